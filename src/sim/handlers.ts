/**
 * What each simulated endpoint does, with the texts and shapes PVE 9.1 uses (see ../shared/pve-api/facts.md
 * and the samples). Parameters arrive already checked against the schema and permission-checked per the
 * schema's `permissions`; list endpoints filter rows by privilege themselves, as PVE does.
 *
 * This file: the handler types, the helpers every area uses, and the table of handlers; the handlers live by
 * area in listings.ts, guestActions.ts, guestConfig.ts, taskHandlers.ts (and agent.ts, provisioning.ts, backups.ts).
 */
import type { SimGuest, SimState, SimTask } from './state';
import type { Value } from './validate';
import { AGENT_COMMANDS, agentHandler } from './agent';
import { addProvisioningHandlers } from './provisioning';
import { consoleProxy, createSnapshot, deleteSnapshot, getConfig, listSnapshots, postConfig, putConfig, rollbackSnapshot } from './guestConfig';
import { cloneGuest, destroy, makeTemplate, power, POWER_TASK } from './guestActions';
import { clusterResources, guestList, networkList, nextId, nodesList, pools, statusCurrent, storageList } from './listings';
import { clusterTasks, taskList, taskLog, taskStatus } from './taskHandlers';

export { resourceRow } from './listings';

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

export interface Principal {
  /** `root@pam` — the owner user. */
  readonly user: string;
  /** `root@pam!proxmox-iac` when a token authenticated. */
  readonly tokenid?: string;
  can(path: string, priv: string): boolean;
}

export interface HandlerContext {
  readonly state: SimState;
  readonly params: Record<string, Value>;
  readonly principal: Principal;
}

export interface HandlerResult {
  readonly data: unknown;
  readonly total?: number;
}

export type Handler = (ctx: HandlerContext) => HandlerResult;

export const r = (data: unknown): HandlerResult => ({ data });

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

export function flag(v: Value | undefined): boolean {
  return v === true || v === 1 || v === '1';
}

export function guestOf(ctx: HandlerContext, type: 'qemu' | 'lxc'): SimGuest {
  const node = String(ctx.params.node);
  const vmid = Number(ctx.params.vmid);
  if (!ctx.state.nodes.has(node)) throw new SimError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  const g = ctx.state.guests.get(vmid);
  if (!g || g.node !== node || g.type !== type) {
    const dir = type === 'qemu' ? 'qemu-server' : 'lxc';
    throw new SimError(500, `Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`);
  }
  return g;
}

export function checkLock(g: SimGuest): void {
  if (g.lock) throw new SimError(500, `${g.type === 'qemu' ? 'VM' : 'CT'} is locked (${g.lock})`);
}

/** Runs `work` as a task holding `lock` on the guest; the lock is released when the task ends. */
export function guestTask(ctx: HandlerContext, g: SimGuest, type: string, opts: { lock?: string; exitstatus?: string; log?: string[]; onSuccess?: () => void; id?: string }): SimTask {
  if (opts.lock) g.lock = opts.lock;
  const lock = opts.lock;
  return ctx.state.startTask({
    node: g.node,
    type,
    id: opts.id ?? String(g.vmid),
    user: ctx.principal.user,
    ...(ctx.principal.tokenid ? { tokenid: ctx.principal.tokenid } : {}),
    ...(opts.exitstatus ? { exitstatus: opts.exitstatus } : {}),
    log: opts.log ?? [],
    ...(opts.onSuccess ? { onSuccess: opts.onSuccess } : {}),
    onEnd: () => {
      if (lock && g.lock === lock) delete g.lock;
    },
  });
}


export function requireNode(ctx: HandlerContext): string {
  const node = String(ctx.params.node);
  if (!ctx.state.nodes.has(node)) throw new SimError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  return node;
}

/** Handlers by `METHOD schema-path`. */
export function handlers(): Map<string, Handler> {
  const h = new Map<string, Handler>();
  h.set('GET /version', (ctx) => r({ ...ctx.state.version }));
  h.set('GET /cluster/resources', clusterResources);
  h.set('GET /cluster/nextid', nextId);
  h.set('GET /nodes', nodesList);
  h.set('GET /nodes/{node}/storage', storageList);
  h.set('GET /nodes/{node}/network', networkList);
  h.set('GET /nodes/{node}/tasks', taskList);
  h.set('GET /cluster/tasks', clusterTasks);
  h.set('GET /nodes/{node}/tasks/{upid}/status', taskStatus);
  h.set('GET /nodes/{node}/tasks/{upid}/log', taskLog);
  h.set('GET /pools', pools);
  for (const t of ['qemu', 'lxc'] as const) {
    const g = `/nodes/{node}/${t}/{vmid}`;
    h.set(`GET /nodes/{node}/${t}`, guestList(t));
    h.set(`GET ${g}/status/current`, statusCurrent(t));
    for (const a of Object.keys(POWER_TASK)) h.set(`POST ${g}/status/${a}`, power(t, a));
    h.set(`POST ${g}/clone`, cloneGuest(t));
    h.set(`POST ${g}/template`, makeTemplate(t));
    h.set(`DELETE ${g}`, destroy(t));
    h.set(`GET ${g}/config`, getConfig(t));
    h.set(`PUT ${g}/config`, putConfig(t));
    h.set(`GET ${g}/snapshot`, listSnapshots(t));
    h.set(`POST ${g}/snapshot`, createSnapshot(t));
    h.set(`POST ${g}/snapshot/{snapname}/rollback`, rollbackSnapshot(t));
    h.set(`DELETE ${g}/snapshot/{snapname}`, deleteSnapshot(t));
    h.set(`POST ${g}/vncproxy`, consoleProxy(t, 'vncproxy'));
    h.set(`POST ${g}/termproxy`, consoleProxy(t, 'termproxy'));
  }
  h.set('POST /nodes/{node}/qemu/{vmid}/config', postConfig);
  addProvisioningHandlers(h, (ctx) => guestOf(ctx, 'qemu'));
  for (const c of AGENT_COMMANDS) h.set(`${c === 'ping' ? 'POST' : 'GET'} /nodes/{node}/qemu/{vmid}/agent/${c}`, agentHandler(c, (ctx) => guestOf(ctx, 'qemu')));
  return h;
}
