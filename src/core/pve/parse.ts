/**
 * The boundary between the server's JSON and the client's model (types.ts). Tolerant of what real servers
 * send (numbers as strings, 0/1 or ''/"1" booleans, tags separated by `;`, `+`, `,` or spaces, LXC vmids as
 * strings, the `current` pseudo-snapshot) and strict about what the model needs: a row without a usable
 * id/vmid is an InvalidResponseError, never a half-built object.
 *
 * Kept lean on purpose: `clusterResources()` runs every few seconds over thousands of rows, so this builds
 * plain objects in one pass with no schema validator in the loop (see bench/api).
 * Loose values: fields.ts; the guest agent's answers: parseAgent.ts.
 */
import { InvalidResponseError } from './errors';
import { asObject, asRows, bool, guestStatus, NO_TAGS, num, num0, parseTags, str, type Row } from './fields';
import type { ClusterSnapshot, Guest, GuestStatus, GuestType, NodeBridge, PveNode, Snapshot, Storage, TaskStatus } from './types';

/**
 * A guest row from `/cluster/resources` or `/nodes/{node}/{qemu|lxc}` (the latter lacks node/type/id).
 *
 * One `for…in` pass with a `switch` on the key: real rows come in random (Perl hash) key order, so each
 * row has its own hidden class and direct `r.cpu`-style reads are megamorphic; walking the keys once is
 * about 4× faster (bench/api). Every guest gets the same object shape, optional keys included.
 */
export function parseGuest(r: Row, fallback?: { node: string; type: GuestType }): Guest {
  let type: GuestType | undefined;
  let vmid: number | undefined;
  let name = '';
  let node: string | undefined;
  let status: GuestStatus = 'unknown';
  let template = false;
  let tags: readonly string[] = NO_TAGS;
  let pool: string | undefined;
  let lock: string | undefined;
  let hastate: string | undefined;
  let cpu = 0;
  let maxcpu: number | undefined;
  let cpus = 0;
  let mem = 0;
  let maxmem = 0;
  let disk = 0;
  let maxdisk = 0;
  let uptime = 0;
  let qmpstatus: GuestStatus | undefined;
  for (const k in r) {
    const v = r[k];
    switch (k) {
      case 'type':
        if (v === 'qemu' || v === 'lxc') type = v;
        break;
      case 'vmid':
        vmid = typeof v === 'number' ? v : num(v);
        break;
      case 'name':
        if (typeof v === 'string') name = v;
        break;
      case 'node':
        if (typeof v === 'string') node = v;
        break;
      case 'status':
        status = guestStatus(v);
        break;
      // status/current and /nodes/{node}/qemu say `running` for a paused VM and put the QMP run state here.
      case 'qmpstatus':
        if (v === 'paused' || v === 'suspended') qmpstatus = v;
        break;
      case 'template':
        template = bool(v);
        break;
      case 'tags':
        tags = parseTags(v);
        break;
      case 'pool':
        if (typeof v === 'string' && v !== '') pool = v;
        break;
      case 'lock':
        if (typeof v === 'string' && v !== '') lock = v;
        break;
      case 'hastate':
        if (typeof v === 'string' && v !== '') hastate = v;
        break;
      case 'cpu':
        cpu = num0(v);
        break;
      case 'maxcpu':
        maxcpu = num(v);
        break;
      // /nodes/{node}/qemu calls it `cpus`, /cluster/resources `maxcpu`.
      case 'cpus':
        cpus = num0(v);
        break;
      case 'mem':
        mem = num0(v);
        break;
      case 'maxmem':
        maxmem = num0(v);
        break;
      case 'disk':
        disk = num0(v);
        break;
      case 'maxdisk':
        maxdisk = num0(v);
        break;
      case 'uptime':
        uptime = num0(v);
        break;
      default:
        break;
    }
  }
  if (vmid === undefined || !Number.isInteger(vmid)) throw new InvalidResponseError('a guest row has no numeric vmid');
  const t = type ?? fallback?.type ?? 'qemu';
  return {
    id: `${t}/${vmid}`,
    type: t,
    vmid,
    name,
    node: node ?? fallback?.node ?? '',
    status: qmpstatus && status === 'running' ? qmpstatus : status,
    template,
    tags,
    pool,
    lock,
    hastate,
    cpu,
    maxcpu: maxcpu ?? cpus,
    mem,
    maxmem,
    disk,
    maxdisk,
    uptime,
  };
}

export function parseNode(r: Row): PveNode {
  const name = str(r.node);
  if (name === undefined) throw new InvalidResponseError('a node row has no name');
  const status = r.status === 'online' || r.status === 'offline' ? r.status : 'unknown';
  const node: { -readonly [K in keyof PveNode]: PveNode[K] } = { id: `node/${name}`, node: name, status };
  const cpu = num(r.cpu);
  if (cpu !== undefined) node.cpu = cpu;
  const maxcpu = num(r.maxcpu);
  if (maxcpu !== undefined) node.maxcpu = maxcpu;
  const mem = num(r.mem);
  if (mem !== undefined) node.mem = mem;
  const maxmem = num(r.maxmem);
  if (maxmem !== undefined) node.maxmem = maxmem;
  const uptime = num(r.uptime);
  if (uptime !== undefined) node.uptime = uptime;
  if (typeof r.ssl_fingerprint === 'string') node.sslFingerprint = r.ssl_fingerprint;
  return node;
}

function splitList(v: unknown): readonly string[] {
  return typeof v === 'string' && v !== '' ? v.split(',').filter(Boolean) : NO_TAGS;
}

/** A storage row from `/cluster/resources` (disk/maxdisk) or `/nodes/{node}/storage` (used/total). */
export function parseStorage(r: Row, fallbackNode?: string): Storage {
  const storage = str(r.storage);
  if (storage === undefined) throw new InvalidResponseError('a storage row has no name');
  const node = typeof r.node === 'string' ? r.node : (fallbackNode ?? '');
  let status = typeof r.status === 'string' ? r.status : undefined;
  if (status === undefined) status = r.active === undefined ? 'unknown' : bool(r.active) ? 'available' : 'inactive';
  const s: { -readonly [K in keyof Storage]: Storage[K] } = {
    id: `storage/${node}/${storage}`,
    storage,
    node,
    status,
    content: splitList(r.content),
    shared: bool(r.shared),
    disk: num(r.disk) ?? num0(r.used),
    maxdisk: num(r.maxdisk) ?? num0(r.total),
  };
  const plugintype = str(r.plugintype) ?? str(r.type);
  if (plugintype !== undefined) s.plugintype = plugintype;
  return s;
}

/** `/cluster/resources` in one pass. Unknown row types (sdn, future kinds) are skipped, not errors. */
export function parseClusterResources(data: unknown): ClusterSnapshot {
  const rows = asRows(data, '/cluster/resources');
  const out: Resources = { nodes: [], guests: [], storages: [], pools: [] };
  addResources(rows, 0, rows.length, out);
  return out;
}

/** What `/cluster/resources` lists, by kind, as it is read. */
export interface Resources {
  nodes: PveNode[];
  guests: Guest[];
  storages: Storage[];
  pools: string[];
}

/** Reads rows `from` … `to` of a `/cluster/resources` answer into `out`. */
export function addResources(rows: readonly Row[], from: number, to: number, out: Resources): void {
  const { nodes, guests, storages, pools } = out;
  for (let i = from; i < to; i++) {
    const r = rows[i];
    // A hostile or broken answer may hold anything in the list: only objects are rows.
    if (r === null || typeof r !== 'object') continue;
    switch (r.type) {
      case 'qemu':
      case 'lxc':
        guests.push(parseGuest(r));
        break;
      case 'node':
        nodes.push(parseNode(r));
        break;
      case 'storage':
        storages.push(parseStorage(r));
        break;
      case 'pool': {
        const p = str(r.pool) ?? (typeof r.id === 'string' ? r.id.replace(/^pool\//, '') : undefined);
        if (p !== undefined) pools.push(p);
        break;
      }
      default:
        break;
    }
  }
}

export function parseGuestList(data: unknown, node: string, type: GuestType): Guest[] {
  return asRows(data, `/nodes/${node}/${type}`).map((r) => parseGuest(r, { node, type }));
}

export function parseNodes(data: unknown): PveNode[] {
  return asRows(data, '/nodes').map(parseNode);
}

export function parseStorages(data: unknown, node: string): Storage[] {
  return asRows(data, `/nodes/${node}/storage`).map((r) => parseStorage(r, node));
}

/** A node's bridges; rows of other interface types (an SDN vnet that `any_bridge` may add) are left out. */
export function parseBridges(data: unknown, node: string): NodeBridge[] {
  const out: NodeBridge[] = [];
  for (const r of asRows(data, `/nodes/${node}/network`)) {
    const iface = str(r.iface);
    const type = str(r.type);
    if (iface === undefined || (type !== 'bridge' && type !== 'OVSBridge')) continue;
    const b: { -readonly [K in keyof NodeBridge]: NodeBridge[K] } = { node, iface, type, active: bool(r.active) };
    const cidr = str(r.cidr);
    if (cidr !== undefined) b.cidr = cidr;
    const comments = str(r.comments);
    if (comments !== undefined) b.comments = comments.trim();
    out.push(b);
  }
  return out;
}

/** Drops the `current` pseudo-entry ("You are here!") that every snapshot list ends with. */
export function parseSnapshots(data: unknown): Snapshot[] {
  const out: Snapshot[] = [];
  for (const r of asRows(data, 'the snapshot list')) {
    const name = str(r.name);
    if (name === undefined || name === 'current') continue;
    const s: { -readonly [K in keyof Snapshot]: Snapshot[K] } = { name, vmstate: bool(r.vmstate) };
    if (typeof r.description === 'string' && r.description !== '') s.description = r.description;
    if (typeof r.parent === 'string' && r.parent !== '') s.parent = r.parent;
    const t = num(r.snaptime);
    if (t !== undefined) s.snaptime = t;
    out.push(s);
  }
  return out;
}

export function parseTaskStatus(data: unknown, upid: string): TaskStatus {
  const r = asObject(data, 'the task status');
  const status = r.status === 'running' ? 'running' : r.status === 'stopped' ? 'stopped' : undefined;
  if (status === undefined) throw new InvalidResponseError(`the task status is '${String(r.status)}'`);
  const t: { -readonly [K in keyof TaskStatus]: TaskStatus[K] } = {
    upid: typeof r.upid === 'string' ? r.upid : upid,
    node: str(r.node) ?? '',
    type: str(r.type) ?? '',
    id: str(r.id) ?? '',
    user: str(r.user) ?? '',
    status,
    starttime: num0(r.starttime),
  };
  if (typeof r.exitstatus === 'string') t.exitstatus = r.exitstatus;
  return t;
}

/** `[{n, t}]` sorted by line number → the lines' text. */
export function parseTaskLog(data: unknown): string[] {
  const rows = asRows(data, 'the task log');
  return rows
    .map((r) => ({ n: num0(r.n), t: typeof r.t === 'string' ? r.t : '' }))
    .sort((a, b) => a.n - b.n)
    .map((l) => l.t);
}

export function parseNextId(data: unknown): number {
  const n = num(data);
  if (n === undefined || !Number.isInteger(n)) throw new InvalidResponseError(`nextid is '${String(data)}'`);
  return n;
}

export function parseUpidResult(data: unknown, what: string): string {
  if (typeof data !== 'string' || !data.startsWith('UPID:')) throw new InvalidResponseError(`${what} did not return a task ID`);
  return data;
}
