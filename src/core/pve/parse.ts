/**
 * The boundary between the server's JSON and the client's model (types.ts). Tolerant of what real servers
 * send (numbers as strings, 0/1 or ''/"1" booleans, tags separated by `;`, `+`, `,` or spaces, LXC vmids as
 * strings, the `current` pseudo-snapshot) and strict about what the model needs: a row without a usable
 * id/vmid is an InvalidResponseError, never a half-built object.
 *
 * Kept lean on purpose: `clusterResources()` runs every few seconds over thousands of rows, so this builds
 * plain objects in one pass with no schema validator in the loop (see bench/api).
 * Loose values: fields.ts; guest rows: guestRow.ts; the guest agent's answers: parseAgent.ts.
 */
import { InvalidResponseError } from './errors';
import { parseUpid } from './upid';
import { asObject, asRows, bool, isVmid, NO_TAGS, num, num0, str, type Row } from './fields';
import { GuestFields } from './guestRow';
import type { ClusterSnapshot, Guest, GuestType, NodeBridge, PveNode, Snapshot, Storage, TaskStatus } from './types';

const guestFields = new GuestFields();

/** A guest row from `/cluster/resources` or `/nodes/{node}/{qemu|lxc}` (the latter lacks node/type/id). */
export function parseGuest(r: Row, fallback?: { node: string; type: GuestType }): Guest {
  guestFields.reset();
  for (const k in r) guestFields.set(k, r[k]);
  return guestFields.guest(fallback);
}

export function parseNode(r: Row): PveNode {
  const name = str(r.node);
  if (name === undefined) throw new InvalidResponseError('a node row has no name');
  const status = r.status === 'online' || r.status === 'offline' ? r.status : 'unknown';
  const node: { -readonly [K in keyof PveNode]: PveNode[K] } = { id: `node/${encodeURIComponent(name)}`, node: name, status };
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
    // Encoded like the row ids made from it: node `a/b` with storage `c` and node `a` with `b/c` stay two.
    id: `storage/${encodeURIComponent(node)}/${encodeURIComponent(storage)}`,
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
  return withoutDuplicates(out);
}

/**
 * One entry per guest, node and storage, the first the answer lists: each becomes a row of the explorer, whose
 * ids VS Code requires to be unique. PVE's VMIDs are unique in a cluster, so only a broken or hostile answer
 * lists one twice. Guests come in VMID order, so checking them costs one comparison each while it holds.
 */
export function withoutDuplicates(out: Resources): Resources {
  const { guests } = out;
  let ordered = true;
  for (let i = 1; i < guests.length && ordered; i++) ordered = guests[i - 1].vmid < guests[i].vmid;
  if (!ordered) out.guests = firstOfEach(guests, (g) => g.vmid);
  out.nodes = firstOfEach(out.nodes, (n) => n.id);
  out.storages = firstOfEach(out.storages, (s) => s.id);
  return out;
}

function firstOfEach<T>(items: T[], key: (item: T) => string | number): T[] {
  const seen = new Set<string | number>();
  const kept = items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
  return kept.length === items.length ? items : kept;
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
    // PVE's snapshot names are [A-Za-z][A-Za-z0-9_-]*: one with `/` (it would split a row id) or seen before is no
    // snapshot of this guest.
    if (name === undefined || name === 'current' || name.includes('/') || out.some((o) => o.name === name)) continue;
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
  if (!isVmid(n)) throw new InvalidResponseError(`nextid is '${String(data)}', which is no VMID (100 to 999999999)`);
  return n;
}

/** A write's task ID; anything that is no well-formed UPID (it is logged and followed) is refused here. */
export function parseUpidResult(data: unknown, what: string): string {
  if (typeof data !== 'string' || !data.startsWith('UPID:')) throw new InvalidResponseError(`${what} did not return a task ID`);
  if (!parseUpid(data)) throw new InvalidResponseError(`${what} returned '${data.slice(0, 80).replace(/[^\x20-\x7e]/g, '?')}', which is not a task ID (UPID)`);
  return data;
}
