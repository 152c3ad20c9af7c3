/**
 * The simulated cluster: nodes, guests (config, snapshots, agent), storage, pools, API tokens with ACLs,
 * users for ticket login, and tasks that take time, hold a guest lock while they run and can fail.
 * Tests reach it through `RunningSimulator.state` to inspect or change guests directly.
 */
import { formatUpid } from '../core/pve/upid';

export type AgentState = 'none' | 'running' | 'not-running' | 'timeout';

/** How a running agent's answers differ from a plain Linux guest's (see src/sim/agent.ts). */
export interface AgentQuirks {
  /** A Windows guest: `mswindows` OS info, "Ethernet" / "Loopback Pseudo-Interface 1" NICs, zone-indexed IPv6. */
  windows?: boolean;
  /** A container host: docker0, bridges, veths without addresses, an interface without a MAC. */
  manyNics?: boolean;
  /** Commands the agent answers with HTTP 200 `{result:{error:{class:'CommandNotFound',desc}}}`. */
  resultError?: string[];
  /** Commands that fail with 500 "VM N qmp command 'guest-…' failed - unsupported command: guest-…". */
  unsupported?: string[];
  /** What network-get-interfaces answers, as given: an agent that reports odd names or things that are not addresses. */
  interfaces?: Record<string, unknown>[];
}

export interface SimSnapshot {
  name: string;
  description?: string;
  snaptime: number;
  vmstate?: boolean;
  parent?: string;
}

export interface SimGuest {
  vmid: number;
  type: 'qemu' | 'lxc';
  node: string;
  name: string;
  status: 'running' | 'stopped' | 'paused';
  template: boolean;
  tags: string[];
  pool?: string;
  lock?: string;
  hastate?: string;
  /** `none`: no agent in config; otherwise configured and in this state. */
  agent: AgentState;
  maxcpu: number;
  maxmem: number;
  maxdisk: number;
  /** Fraction used while running (mem, cpu). */
  load: number;
  startedAt?: number;
  config: Record<string, string | number>;
  snapshots: SimSnapshot[];
  osinfo?: Record<string, string>;
  agentQuirks?: AgentQuirks;
  hostname?: string;
  ips?: string[];
  /** Key order for this guest's /cluster/resources row (real PVE sends Perl hash order). */
  keyOrder?: string[];
}

/** A vzdump archive on a storage with `backup` content, with what a restore brings back. */
export interface SimBackup {
  /** `local:backup/vzdump-qemu-104-2026_12_01-02_00_03.vma.zst` */
  volid: string;
  storage: string;
  /** The node whose storage holds it (one per node for storages that are not shared). */
  node: string;
  vmid: number;
  subtype: 'qemu' | 'lxc';
  ctime: number;
  size: number;
  /** `vma.zst`, `tar.gz` … */
  format: string;
  notes?: string;
  protected: boolean;
  /** The guest as it was when backed up: what a restore recreates. */
  source: Pick<SimGuest, 'name' | 'type' | 'template' | 'tags' | 'agent' | 'maxcpu' | 'maxmem' | 'maxdisk' | 'config' | 'osinfo'>;
}

export interface SimNode {
  node: string;
  status: 'online' | 'offline';
  maxcpu: number;
  maxmem: number;
  maxdisk: number;
  uptime: number;
  sslFingerprint: string;
  /** The node's network interfaces, as /etc/network/interfaces declares them (served by GET /nodes/{node}/network). */
  network: SimIface[];
}

export interface SimIface {
  iface: string;
  type: 'eth' | 'bridge' | 'OVSBridge';
  /** Bridge ports (`eno1`); none for an internal bridge. */
  ports?: string;
  cidr?: string;
  gateway?: string;
  vlanAware?: boolean;
  comments?: string;
}

export interface SimStorage {
  storage: string;
  node: string;
  plugintype: string;
  content: string;
  shared: boolean;
  disk: number;
  maxdisk: number;
}

export interface AclEntry {
  path: string;
  privs: readonly string[];
  propagate?: boolean;
}

export interface SimToken {
  /** `user@realm!tokenid` */
  id: string;
  secret: string;
  acl: AclEntry[];
}

export interface SimUser {
  userid: string;
  password: string;
  acl: AclEntry[];
}

export interface SimTask {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  tokenid?: string;
  pid: number;
  pstart: number;
  starttime: number;
  startedMs: number;
  durationMs: number;
  /** `OK`, `WARNINGS: n` or the error text; decided at creation (may be overridden by injectTaskFailure). */
  exitstatus: string;
  log: string[];
  done: boolean;
  /** Applied once when the task ends successfully (state change), or always for cleanup. */
  onSuccess?: () => void;
  onEnd?: () => void;
}

export const ROLES: Readonly<Record<string, readonly string[]>> = {
  Administrator: ['*'],
  PVEAuditor: ['Sys.Audit', 'VM.Audit', 'Datastore.Audit', 'Pool.Audit', 'SDN.Audit', 'Mapping.Audit', 'VM.GuestAgent.Audit'],
  PVEVMUser: ['VM.Audit', 'VM.Console', 'VM.PowerMgmt', 'VM.Backup', 'VM.Snapshot', 'VM.GuestAgent.Audit', 'VM.Config.CDROM', 'VM.Config.Cloudinit', 'Pool.Audit'],
  PVEVMAdmin: [
    'VM.Audit', 'VM.Console', 'VM.PowerMgmt', 'VM.Backup', 'VM.Snapshot', 'VM.Snapshot.Rollback', 'VM.Clone', 'VM.Allocate', 'VM.Migrate',
    'VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted', 'VM.Config.CDROM', 'VM.Config.CPU', 'VM.Config.Cloudinit', 'VM.Config.Disk',
    'VM.Config.HWType', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.Options', 'Pool.Audit',
  ],
  PVEDatastoreUser: ['Datastore.AllocateSpace', 'Datastore.Audit'],
};

export interface FailureRule {
  type?: string;
  vmid?: number;
  exitstatus: string;
  times: number;
}

export class SimState {
  readonly nodes = new Map<string, SimNode>();
  readonly guests = new Map<number, SimGuest>();
  readonly storages: SimStorage[] = [];
  readonly pools = new Map<string, { comment?: string }>();
  readonly tokens = new Map<string, SimToken>();
  readonly users = new Map<string, SimUser>();
  readonly tasks = new Map<string, SimTask>();
  /** Backup archives on every storage (src/sim/backups.ts serves them). */
  readonly backups: SimBackup[] = [];
  readonly version = { version: '9.1.4', release: '9.1', repoid: '5ac30304265fbd8e' };
  taskDurationMs: number;
  private readonly failures: FailureRule[] = [];
  private pidCounter = 0x1000;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(taskDurationMs: number) {
    this.taskDurationMs = taskDurationMs;
  }

  addGuest(g: SimGuest): SimGuest {
    this.guests.set(g.vmid, g);
    return g;
  }

  /** Lists guests; cheap enough for thousands per request. */
  guestList(): SimGuest[] {
    return [...this.guests.values()];
  }

  /** The next `times` tasks matching type/vmid end with this exit status (e.g. 'VM is locked (clone)'). */
  injectTaskFailure(rule: { type?: string; vmid?: number; exitstatus: string; times?: number }): void {
    this.failures.push({ ...rule, times: rule.times ?? 1 });
  }

  /** Starts a task: it runs `durationMs`, then ends with `exitstatus` (or an injected failure). */
  startTask(opts: {
    node: string;
    type: string;
    id: string;
    user: string;
    tokenid?: string;
    exitstatus?: string;
    log?: string[];
    durationMs?: number;
    onSuccess?: () => void;
    onEnd?: () => void;
  }): SimTask {
    const nowMs = Date.now();
    const pid = ++this.pidCounter;
    const upid = formatUpid({ node: opts.node, pid, pstart: 0x10f9374c + pid, starttime: Math.floor(nowMs / 1000), type: opts.type, id: opts.id, user: opts.tokenid ?? opts.user });
    let exitstatus = opts.exitstatus ?? 'OK';
    const rule = this.failures.find((f) => f.times > 0 && (f.type === undefined || f.type === opts.type) && (f.vmid === undefined || String(f.vmid) === opts.id));
    if (rule) {
      rule.times--;
      exitstatus = rule.exitstatus;
    }
    const task: SimTask = {
      upid,
      node: opts.node,
      type: opts.type,
      id: opts.id,
      user: opts.user,
      ...(opts.tokenid ? { tokenid: opts.tokenid } : {}),
      pid,
      pstart: 0x10f9374c + pid,
      starttime: Math.floor(nowMs / 1000),
      startedMs: nowMs,
      durationMs: opts.durationMs ?? this.taskDurationMs,
      exitstatus,
      log: opts.log ?? [],
      done: false,
      ...(opts.onSuccess ? { onSuccess: opts.onSuccess } : {}),
      ...(opts.onEnd ? { onEnd: opts.onEnd } : {}),
    };
    this.tasks.set(upid, task);
    if (task.durationMs <= 0) this.finish(task);
    else {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.finish(task);
      }, task.durationMs);
      t.unref();
      this.timers.add(t);
    }
    return task;
  }

  /**
   * Ends a running task now, as if its time were up: tests that need to see a task running first end it when
   * they have, instead of guessing a duration that a loaded machine might outlast.
   */
  finishTask(upid: string): void {
    const task = this.tasks.get(upid);
    if (task) this.finish(task);
  }

  private finish(task: SimTask): void {
    if (task.done) return;
    task.done = true;
    const ok = task.exitstatus === 'OK' || task.exitstatus.startsWith('WARNINGS');
    if (ok) task.onSuccess?.();
    task.onEnd?.();
    const last = task.exitstatus === 'OK' ? 'TASK OK' : ok ? `TASK ${task.exitstatus}` : `TASK ERROR: ${task.exitstatus}`;
    task.log.push(last);
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---- permissions ------------------------------------------------------------------------------------

  /** Privileges an ACL list grants on `path` (most specific entry wins, as PVE's propagation does). */
  static privilegesOn(acl: readonly AclEntry[], path: string): ReadonlySet<string> {
    let best: AclEntry[] = [];
    let bestLen = -1;
    for (const e of acl) {
      const applies = e.path === path || (e.propagate !== false && (e.path === '/' || path.startsWith(`${e.path}/`)));
      if (!applies) continue;
      const l = e.path === '/' ? 0 : e.path.length;
      if (l > bestLen) {
        best = [e];
        bestLen = l;
      } else if (l === bestLen) best.push(e);
    }
    const out = new Set<string>();
    for (const e of best) for (const p of e.privs) out.add(p);
    return out;
  }

  /** Whether `acl` grants `priv` on `path`; guests also inherit from their pool's `/pool/NAME` ACLs. */
  hasPrivilege(acl: readonly AclEntry[], path: string, priv: string): boolean {
    const check = (p: string): boolean => {
      const set = SimState.privilegesOn(acl, p);
      return set.has('*') || set.has(priv);
    };
    if (check(path)) return true;
    const m = /^\/vms\/(\d+)$/.exec(path);
    if (m) {
      const pool = this.guests.get(Number(m[1]))?.pool;
      if (pool && check(`/pool/${pool}`)) return true;
    }
    return false;
  }
}

/** Expands role names in ACL entries: `{ path, role }` → privileges. */
export function aclFromRoles(entries: readonly { path: string; role: string; propagate?: boolean }[]): AclEntry[] {
  return entries.map((e) => ({ path: e.path, privs: ROLES[e.role] ?? [e.role], propagate: e.propagate !== false }));
}
