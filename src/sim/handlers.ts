/**
 * What each simulated endpoint does, with the texts and shapes PVE 9.1 uses (see ../shared/pve-api/facts.md
 * and the samples). Parameters arrive already checked against the schema and permission-checked per the
 * schema's `permissions`; list endpoints filter rows by privilege themselves, as PVE does.
 */
import { randomBytes } from 'node:crypto';
import type { SimGuest, SimState, SimTask } from './state';
import type { Value } from './validate';
import { AGENT_COMMANDS, agentHandler } from './agent';
import { addProvisioningHandlers, clonedConfig, dhcpLease } from './provisioning';

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

const r = (data: unknown): HandlerResult => ({ data });

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

function flag(v: Value | undefined): boolean {
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

// ---- rows -----------------------------------------------------------------------------------------------

function guestFigures(g: SimGuest): { cpu: number; mem: number; uptime: number; disk: number; netin: number; netout: number; diskread: number; diskwrite: number } {
  // A paused VM's QEMU process lives on: it keeps its memory and its uptime, and uses no CPU.
  const alive = g.status !== 'stopped';
  const running = g.status === 'running';
  const uptime = alive && g.startedAt ? Math.floor((Date.now() - g.startedAt) / 1000) : 0;
  return {
    cpu: running ? Math.round(g.load * 0.2 * 1e6) / 1e6 : 0,
    mem: alive ? Math.floor(g.maxmem * g.load) : 0,
    uptime,
    disk: g.type === 'lxc' ? Math.floor(g.maxdisk * 0.3) : 0,
    netin: alive ? uptime * 1000 : 0,
    netout: alive ? uptime * 700 : 0,
    diskread: alive ? uptime * 4000 : 0,
    diskwrite: alive ? uptime * 2500 : 0,
  };
}

export function resourceRow(g: SimGuest): Record<string, unknown> {
  const f = guestFigures(g);
  const values: Record<string, unknown> = {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    name: g.name,
    node: g.node,
    // pvestatd records a running VM's QMP run state (qmpstatus) as its status, so a suspended VM is `paused`
    // here, while status/current says `running` with qmpstatus `paused`.
    status: g.status,
    template: g.template ? 1 : 0,
    tags: g.tags.length ? g.tags.join(';') : undefined,
    pool: g.pool,
    lock: g.lock,
    hastate: g.hastate,
    cpu: f.cpu,
    maxcpu: g.maxcpu,
    mem: f.mem,
    maxmem: g.maxmem,
    disk: f.disk,
    maxdisk: g.maxdisk,
    netin: f.netin,
    netout: f.netout,
    diskread: f.diskread,
    diskwrite: f.diskwrite,
    uptime: f.uptime,
  };
  // Real PVE emits keys in Perl hash order; the seed gave each guest its own order.
  const row: Record<string, unknown> = {};
  for (const k of g.keyOrder ?? Object.keys(values)) if (values[k] !== undefined) row[k] = values[k];
  return row;
}

function clusterResources(ctx: HandlerContext): HandlerResult {
  const { state, principal } = ctx;
  const type = ctx.params.type as string | undefined;
  const rows: Record<string, unknown>[] = [];
  if (type === undefined || type === 'vm') {
    for (const g of state.guests.values()) if (principal.can(`/vms/${g.vmid}`, 'VM.Audit')) rows.push(resourceRow(g));
  }
  if (type === undefined || type === 'node') {
    for (const n of state.nodes.values()) {
      // Node rows always appear; their figures only with Sys.Audit.
      const row: Record<string, unknown> = { id: `node/${n.node}`, type: 'node', node: n.node, status: n.status, level: '' };
      if (principal.can(`/nodes/${n.node}`, 'Sys.Audit') && n.status === 'online') {
        const guests = [...state.guests.values()].filter((g) => g.node === n.node && g.status === 'running');
        Object.assign(row, {
          cpu: Math.min(1, guests.length * 0.01),
          maxcpu: n.maxcpu,
          mem: Math.min(n.maxmem, 4 * 1024 ** 3 + guests.reduce((s, g) => s + Math.floor(g.maxmem * g.load), 0)),
          maxmem: n.maxmem,
          disk: Math.floor(n.maxdisk * 0.02),
          maxdisk: n.maxdisk,
          uptime: n.uptime,
          'cgroup-mode': 2,
        });
      }
      rows.push(row);
    }
  }
  if (type === undefined || type === 'storage') {
    for (const s of state.storages) {
      if (!principal.can(`/storage/${s.storage}`, 'Datastore.Audit')) continue;
      rows.push({ id: `storage/${s.node}/${s.storage}`, type: 'storage', storage: s.storage, node: s.node, status: 'available', plugintype: s.plugintype, content: s.content, shared: s.shared ? 1 : 0, disk: s.disk, maxdisk: s.maxdisk });
    }
  }
  if (type === undefined) {
    for (const p of state.pools.keys()) if (principal.can(`/pool/${p}`, 'Pool.Audit')) rows.push({ id: `/pool/${p}`, type: 'pool', pool: p });
  }
  return r(rows);
}

function nodesList(ctx: HandlerContext): HandlerResult {
  return r(
    [...ctx.state.nodes.values()].map((n) => {
      const row: Record<string, unknown> = { node: n.node, status: n.status, level: '', id: `node/${n.node}`, type: 'node', ssl_fingerprint: n.sslFingerprint };
      if (ctx.principal.can(`/nodes/${n.node}`, 'Sys.Audit')) Object.assign(row, { maxcpu: n.maxcpu, maxmem: n.maxmem, mem: Math.floor(n.maxmem * 0.3), cpu: 0.02, uptime: n.uptime, maxdisk: n.maxdisk, disk: Math.floor(n.maxdisk * 0.02) });
      return row;
    }),
  );
}

export function requireNode(ctx: HandlerContext): string {
  const node = String(ctx.params.node);
  if (!ctx.state.nodes.has(node)) throw new SimError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  return node;
}

/** The figures both the guest lists and `status/current` report (a paused VM is `running` with qmpstatus `paused`). */
function guestStatusFields(g: Parameters<typeof guestFigures>[0]): Record<string, unknown> {
  const f = guestFigures(g);
  return {
    vmid: g.vmid,
    name: g.name,
    status: g.status === 'paused' ? 'running' : g.status,
    cpus: g.maxcpu,
    cpu: f.cpu,
    mem: f.mem,
    maxmem: g.maxmem,
    disk: f.disk,
    maxdisk: g.maxdisk,
    uptime: f.uptime,
    netin: f.netin,
    netout: f.netout,
    diskread: f.diskread,
    diskwrite: f.diskwrite,
  };
}

function guestList(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const node = requireNode(ctx);
    const rows = [];
    for (const g of ctx.state.guests.values()) {
      if (g.node !== node || g.type !== type || !ctx.principal.can(`/vms/${g.vmid}`, 'VM.Audit')) continue;
      // Old PVE sent LXC vmids as strings; 9.x sends integers.
      const row = guestStatusFields(g);
      if (type === 'lxc') row.type = 'lxc';
      if (g.template) row.template = 1;
      if (g.tags.length) row.tags = g.tags.join(';');
      if (g.lock) row.lock = g.lock;
      if (type === 'qemu' && g.status !== 'stopped') row.qmpstatus = g.status;
      rows.push(row);
    }
    return r(rows);
  };
}

function statusCurrent(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    const d: Record<string, unknown> = {
      ...guestStatusFields(g),
      ha: g.hastate ? { managed: 1, state: g.hastate, group: 'null' } : { managed: 0 },
    };
    if (g.template) d.template = 1;
    if (g.tags.length) d.tags = g.tags.join(';');
    if (g.lock) d.lock = g.lock;
    if (type === 'qemu') {
      d.qmpstatus = g.status;
      if (g.agent !== 'none') d.agent = 1;
      if (g.status !== 'stopped') {
        d.pid = 10_000 + g.vmid;
        d['running-machine'] = 'pc-q35-10.0+pve1';
        d['running-qemu'] = '10.0.2';
      }
    } else {
      d.type = 'lxc';
      d.swap = 0;
      d.maxswap = 512 * 1024 ** 2;
    }
    return r(d);
  };
}

const POWER_TASK: Record<string, string> = { start: 'start', shutdown: 'shutdown', stop: 'stop', reboot: 'reboot', suspend: 'suspend', resume: 'resume' };

function power(type: 'qemu' | 'lxc', action: string): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (action !== 'stop' || !flag(ctx.params.skiplock)) checkLock(g);
    const prefix = type === 'qemu' ? 'qm' : 'vz';
    const taskType = g.hastate && (action === 'start' || action === 'stop') ? `ha${action}` : `${prefix}${POWER_TASK[action]}`;
    const kind = type === 'qemu' ? 'VM' : 'CT';
    let exitstatus: string | undefined;
    let next: SimGuest['status'] = g.status;
    switch (action) {
      case 'start':
        if (g.template) exitstatus = `${kind} ${g.vmid} is a template, cannot start`;
        else if (g.status !== 'stopped') exitstatus = `${kind} ${g.vmid} already running`;
        next = 'running';
        break;
      case 'shutdown':
      case 'stop':
        next = 'stopped';
        break;
      case 'reboot':
        if (g.status === 'stopped') exitstatus = `${kind} ${g.vmid} not running`;
        next = 'running';
        break;
      case 'suspend':
        if (g.status !== 'running') exitstatus = `${kind} ${g.vmid} not running`;
        next = 'paused';
        break;
      case 'resume':
        if (g.status !== 'paused') exitstatus = `${kind} ${g.vmid} not paused`;
        next = 'running';
        break;
    }
    const t = guestTask(ctx, g, taskType, {
      ...(exitstatus ? { exitstatus } : {}),
      log: action === 'start' ? [`starting ${kind} ${g.vmid}`] : [],
      onSuccess: () => {
        if (next === 'running' && g.status === 'stopped') g.startedAt = Date.now();
        g.status = next;
        if (next === 'stopped') delete g.startedAt;
      },
    });
    return r(t.upid);
  };
}

function cloneGuest(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const src = guestOf(ctx, type);
    const newid = Number(ctx.params.newid);
    if (ctx.state.guests.has(newid)) throw new SimError(500, `unable to create ${type === 'qemu' ? 'VM' : 'CT'} ${newid}: config file already exists`);
    if (!src.template) checkLock(src);
    const target = ctx.params.target !== undefined ? String(ctx.params.target) : src.node;
    if (!ctx.state.nodes.has(target)) throw new SimError(400, 'Parameter verification failed.', { target: `no such cluster node '${target}'` });
    if (ctx.params.pool !== undefined && !ctx.state.pools.has(String(ctx.params.pool))) throw new SimError(500, `pool '${String(ctx.params.pool)}' does not exist`);
    const name = String(ctx.params[type === 'qemu' ? 'name' : 'hostname'] ?? `Copy-of-VM-${src.name}`);
    const config = clonedConfig(src, newid, ctx.params.storage !== undefined ? String(ctx.params.storage) : undefined, flag(ctx.params.full) || !src.template);
    delete config.template;
    if (type === 'qemu') config.name = name;
    else config.hostname = name;
    // The new guest exists (locked) while the clone runs, as in PVE.
    const copy: SimGuest = {
      ...src,
      vmid: newid,
      node: target,
      name,
      status: 'stopped',
      template: false,
      tags: [...src.tags.filter((t) => t !== 'template')],
      config,
      snapshots: [],
      ips: [dhcpLease(newid)],
      lock: 'create',
      ...(ctx.params.pool !== undefined ? { pool: String(ctx.params.pool) } : {}),
    };
    delete copy.startedAt;
    delete copy.hastate;
    ctx.state.addGuest(copy);
    const t = guestTask(ctx, src, type === 'qemu' ? 'qmclone' : 'vzclone', {
      ...(src.template ? {} : { lock: 'clone' }),
      log: [`create ${flag(ctx.params.full) || !src.template ? 'full' : 'linked'} clone of drive scsi0`],
      onSuccess: () => {
        delete copy.lock;
      },
    });
    const onEnd = t.onEnd;
    t.onEnd = () => {
      onEnd?.();
      // A failed clone leaves nothing behind.
      if (!(t.exitstatus === 'OK' || t.exitstatus.startsWith('WARNINGS'))) ctx.state.guests.delete(newid);
    };
    return r(t.upid);
  };
}

function makeTemplate(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    if (g.status !== 'stopped') throw new SimError(500, `${type === 'qemu' ? 'VM' : 'CT'} ${g.vmid} is running - cannot convert to template`);
    if (type === 'lxc') {
      g.template = true;
      g.config.template = 1;
      return r(null);
    }
    const t = guestTask(ctx, g, 'qmtemplate', {
      lock: 'create',
      onSuccess: () => {
        g.template = true;
        g.config.template = 1;
      },
    });
    return r(t.upid);
  };
}

function destroy(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    if (g.status !== 'stopped') throw new SimError(500, `${type === 'qemu' ? 'VM' : 'CT'} ${g.vmid} is running - destroy failed`);
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmdestroy' : 'vzdestroy', {
      lock: 'destroyed',
      onSuccess: () => {
        ctx.state.guests.delete(g.vmid);
      },
    });
    return r(t.upid);
  };
}

function getConfig(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    const cfg: Record<string, unknown> = { ...g.config };
    if (g.lock) cfg.lock = g.lock;
    return r(cfg);
  };
}

const CONFIG_META = new Set(['node', 'vmid', 'delete', 'digest', 'skiplock', 'background_delay', 'revert', 'force']);

function applyConfig(g: SimGuest, params: Record<string, Value>): void {
  for (const [k, v] of Object.entries(params)) {
    if (CONFIG_META.has(k)) continue;
    g.config[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (k === 'name' || k === 'hostname') g.name = String(v);
    if (k === 'tags') g.tags = String(v).split(/[;, ]+/).filter(Boolean);
    if (k === 'agent') g.agent = /^(1|enabled=1)/.test(String(v)) ? (g.agent === 'none' ? 'running' : g.agent) : 'none';
    if (k === 'cores') g.maxcpu = Number(v);
    if (k === 'memory') g.maxmem = parseInt(String(v).replace(/^current=/, ''), 10) * 1024 ** 2;
  }
  if (typeof params.delete === 'string') {
    for (const k of params.delete.split(/[,; ]+/).filter(Boolean)) {
      delete g.config[k];
      if (k === 'tags') g.tags = [];
      if (k === 'agent') g.agent = 'none';
    }
  }
}

function checkDigest(g: SimGuest, params: Record<string, Value>): void {
  if (params.digest !== undefined && params.digest !== g.config.digest) {
    throw new SimError(500, 'detected modified configuration - file changed by other user? Try again.');
  }
}

function bumpDigest(g: SimGuest): void {
  g.config.digest = randomBytes(20).toString('hex');
}

function putConfig(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (!flag(ctx.params.skiplock)) checkLock(g);
    checkDigest(g, ctx.params);
    applyConfig(g, ctx.params);
    bumpDigest(g);
    return r(null);
  };
}

function postConfig(ctx: HandlerContext): HandlerResult {
  const g = guestOf(ctx, 'qemu');
  if (!flag(ctx.params.skiplock)) checkLock(g);
  checkDigest(g, ctx.params);
  const t = guestTask(ctx, g, 'qmconfig', {
    onSuccess: () => {
      applyConfig(g, ctx.params);
      bumpDigest(g);
    },
  });
  return r(t.upid);
}

function listSnapshots(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    const rows: Record<string, unknown>[] = g.snapshots.map((s) => ({
      name: s.name,
      snaptime: s.snaptime,
      description: s.description ?? '',
      ...(s.parent ? { parent: s.parent } : {}),
      ...(type === 'qemu' ? { vmstate: s.vmstate ? 1 : 0 } : {}),
    }));
    const last = g.snapshots[g.snapshots.length - 1];
    rows.push({ name: 'current', description: 'You are here!', digest: g.config.digest, ...(last ? { parent: last.name } : {}), ...(type === 'qemu' ? { running: g.status === 'running' ? 1 : 0 } : {}) });
    return r(rows);
  };
}

function createSnapshot(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    const name = String(ctx.params.snapname);
    if (name === 'current') throw new SimError(400, 'Parameter verification failed.', { snapname: "invalid configuration ID 'current'" });
    if (g.snapshots.some((s) => s.name === name)) throw new SimError(500, `snapshot name '${name}' already used`);
    const parent = g.snapshots[g.snapshots.length - 1]?.name;
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmsnapshot' : 'vzsnapshot', {
      lock: 'snapshot',
      log: [`snapshotting 'drive-scsi0' (local-zfs:vm-${g.vmid}-disk-0)`],
      onSuccess: () => {
        g.snapshots.push({
          name,
          snaptime: nowSec(),
          vmstate: flag(ctx.params.vmstate),
          ...(ctx.params.description !== undefined ? { description: String(ctx.params.description) } : {}),
          ...(parent ? { parent } : {}),
        });
      },
    });
    return r(t.upid);
  };
}

function findSnapshot(g: SimGuest, name: string): void {
  if (!g.snapshots.some((s) => s.name === name)) throw new SimError(500, `snapshot '${name}' does not exist`);
}

function rollbackSnapshot(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    const name = String(ctx.params.snapname);
    findSnapshot(g, name);
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmrollback' : 'vzrollback', {
      lock: 'rollback',
      onSuccess: () => {
        g.status = flag(ctx.params.start) ? 'running' : 'stopped';
      },
    });
    return r(t.upid);
  };
}

function deleteSnapshot(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (!flag(ctx.params.force)) checkLock(g);
    const name = String(ctx.params.snapname);
    findSnapshot(g, name);
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmdelsnapshot' : 'vzdelsnapshot', {
      lock: 'snapshot-delete',
      onSuccess: () => {
        const idx = g.snapshots.findIndex((s) => s.name === name);
        const removed = g.snapshots[idx];
        g.snapshots.splice(idx, 1);
        for (const s of g.snapshots) if (s.parent === name) s.parent = removed?.parent;
      },
    });
    return r(t.upid);
  };
}

function consoleProxy(type: 'qemu' | 'lxc', kind: 'vncproxy' | 'termproxy'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (type === 'qemu' && g.status !== 'running' && kind === 'vncproxy') throw new SimError(500, `VM ${g.vmid} not running`);
    const t = ctx.state.startTask({ node: g.node, type: kind, id: String(g.vmid), user: ctx.principal.user, ...(ctx.principal.tokenid ? { tokenid: ctx.principal.tokenid } : {}), durationMs: 10_000, log: [] });
    const d: Record<string, unknown> = { port: 5900 + (g.vmid % 100), ticket: `PVEVNC:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}::${randomBytes(32).toString('base64')}`, user: ctx.principal.tokenid ?? ctx.principal.user, upid: t.upid };
    if (kind === 'vncproxy') d.cert = '-----BEGIN CERTIFICATE-----\n(simulated)\n-----END CERTIFICATE-----\n';
    return r(d);
  };
}

function findTask(ctx: HandlerContext): SimTask {
  const upid = String(ctx.params.upid);
  const t = ctx.state.tasks.get(upid);
  if (!/^UPID:/.test(upid)) throw new SimError(400, 'Parameter verification failed.', { upid: 'unable to parse worker upid' });
  if (!t || t.node !== String(ctx.params.node)) throw new SimError(400, 'Parameter verification failed.', { upid: 'no such task' });
  // A token sees only its own tasks unless it has Sys.Audit on the node.
  const owner = t.tokenid ?? t.user;
  const me = ctx.principal.tokenid ?? ctx.principal.user;
  if (owner !== me && !ctx.principal.can(`/nodes/${t.node}`, 'Sys.Audit')) throw new SimError(403, `Permission check failed (/nodes/${t.node}, Sys.Audit)`);
  return t;
}

function taskStatus(ctx: HandlerContext): HandlerResult {
  const t = findTask(ctx);
  const d: Record<string, unknown> = { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user, status: t.done ? 'stopped' : 'running' };
  if (t.tokenid) d.tokenid = t.tokenid.split('!')[1];
  if (t.done) d.exitstatus = t.exitstatus;
  return r(d);
}

function taskLog(ctx: HandlerContext): HandlerResult {
  const t = findTask(ctx);
  const start = ctx.params.start !== undefined ? Number(ctx.params.start) : 0;
  const limit = ctx.params.limit !== undefined ? Number(ctx.params.limit) : 50;
  const lines = t.log.length ? t.log : ['no content'];
  const page = lines.slice(start, limit === 0 ? undefined : start + limit).map((text, i) => ({ n: start + i + 1, t: text }));
  return { data: page, total: lines.length };
}

function taskRow(t: SimTask): Record<string, unknown> {
  return { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user, ...(t.done ? { status: t.exitstatus, endtime: t.starttime + Math.ceil(t.durationMs / 1000) } : {}) };
}

/** Tasks the principal may see: its own, or all on nodes where it has Sys.Audit; newest first. */
function visibleTasks(ctx: HandlerContext, node?: string): SimTask[] {
  const me = ctx.principal.tokenid ?? ctx.principal.user;
  return [...ctx.state.tasks.values()]
    .filter((t) => (node === undefined || t.node === node) && ((t.tokenid ?? t.user) === me || ctx.principal.can(`/nodes/${t.node}`, 'Sys.Audit')))
    .reverse();
}

function taskList(ctx: HandlerContext): HandlerResult {
  const node = requireNode(ctx);
  const rows = visibleTasks(ctx, node).slice(Number(ctx.params.start ?? 0), Number(ctx.params.start ?? 0) + Number(ctx.params.limit ?? 50)).map(taskRow);
  return { data: rows, total: rows.length };
}

/** The cluster-wide recent-task list the web UI shows at the bottom. */
function clusterTasks(ctx: HandlerContext): HandlerResult {
  return r(visibleTasks(ctx).slice(0, 50).map(taskRow));
}

function storageList(ctx: HandlerContext): HandlerResult {
  const node = requireNode(ctx);
  return r(
    ctx.state.storages
      .filter((s) => s.node === node && (ctx.principal.can(`/storage/${s.storage}`, 'Datastore.Audit') || ctx.principal.can(`/storage/${s.storage}`, 'Datastore.AllocateSpace')))
      .filter((s) => ctx.params.storage === undefined || s.storage === ctx.params.storage)
      .filter((s) => ctx.params.content === undefined || s.content.split(',').includes(String(ctx.params.content)))
      .map((s) => ({ storage: s.storage, type: s.plugintype, content: s.content, active: 1, enabled: 1, shared: s.shared ? 1 : 0, total: s.maxdisk, used: s.disk, avail: s.maxdisk - s.disk, used_fraction: s.disk / s.maxdisk })),
  );
}

function nextId(ctx: HandlerContext): HandlerResult {
  if (ctx.params.vmid !== undefined) {
    const v = Number(ctx.params.vmid);
    if (ctx.state.guests.has(v)) throw new SimError(400, 'Parameter verification failed.', { vmid: `VM ${v} already exists` });
    // Real PVE answers the requested id as a string too.
    return r(String(v));
  }
  let id = 100;
  while (ctx.state.guests.has(id)) id++;
  // PVE sends a JSON string here although the schema says integer (see samples/cluster-nextid.json).
  return r(String(id));
}

function pools(ctx: HandlerContext): HandlerResult {
  return r([...ctx.state.pools.keys()].filter((p) => ctx.principal.can(`/pool/${p}`, 'Pool.Audit')).map((poolid) => ({ poolid })));
}

/** Handlers by `METHOD schema-path`. */
export function handlers(): Map<string, Handler> {
  const h = new Map<string, Handler>();
  h.set('GET /version', (ctx) => r({ ...ctx.state.version }));
  h.set('GET /cluster/resources', clusterResources);
  h.set('GET /cluster/nextid', nextId);
  h.set('GET /nodes', nodesList);
  h.set('GET /nodes/{node}/storage', storageList);
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
