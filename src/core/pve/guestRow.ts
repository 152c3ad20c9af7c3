/**
 * A guest row read key by key into one fixed-shape object, then built into a `Guest`. Both readers use it:
 * `parseGuest` walks a parsed row's keys, and the `/cluster/resources` reader (sliced.ts) feeds it keys and
 * values straight from the answer's text (flatRows.ts) without an object per row.
 *
 * Real rows come in random (Perl hash) key order, so a parsed row has a hidden class of its own and direct
 * `r.cpu`-style reads are megamorphic: one pass over the keys with a `switch` is about 4× faster (bench/api).
 * Every guest gets the same object shape, optional keys included.
 */
import { InvalidResponseError } from './errors';
import { bool, guestStatus, isVmid, NO_TAGS, num, num0, parseTags, sameList } from './fields';
import type { Guest, GuestStatus, GuestType } from './types';

/** How many distinct tag texts and node names are remembered (most guests of a cluster share a few of each). */
const CACHE_SIZE = 512;

/** `map`'s value for `key`, made once; the map is emptied when it holds CACHE_SIZE entries. */
function remembered<V>(map: Map<string, V>, key: string, make: (key: string) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= CACHE_SIZE) map.clear();
    value = make(key);
    map.set(key, value);
  }
  return value;
}

const itself = (name: string): string => name;
const frozenTags = (text: string): readonly string[] => Object.freeze(parseTags(text));

export class GuestFields {
  type: GuestType | undefined = undefined;
  vmid: number | undefined = undefined;
  name = '';
  node: string | undefined = undefined;
  status: GuestStatus = 'unknown';
  template = false;
  tags: readonly string[] = NO_TAGS;
  pool: string | undefined = undefined;
  lock: string | undefined = undefined;
  hastate: string | undefined = undefined;
  cpu = 0;
  maxcpu: number | undefined = undefined;
  cpus = 0;
  mem = 0;
  maxmem = 0;
  disk = 0;
  maxdisk = 0;
  uptime = 0;
  qmpstatus: GuestStatus | undefined = undefined;
  /** The row's `type` whatever it is (a `/cluster/resources` row may be a node, a storage, a pool…). */
  rowType: unknown = undefined;
  private readonly tagLists = new Map<string, readonly string[]>();
  private readonly nodeNames = new Map<string, string>();

  reset(): void {
    this.type = undefined;
    this.vmid = undefined;
    this.name = '';
    this.node = undefined;
    this.status = 'unknown';
    this.template = false;
    this.tags = NO_TAGS;
    this.pool = undefined;
    this.lock = undefined;
    this.hastate = undefined;
    this.cpu = 0;
    this.maxcpu = undefined;
    this.cpus = 0;
    this.mem = 0;
    this.maxmem = 0;
    this.disk = 0;
    this.maxdisk = 0;
    this.uptime = 0;
    this.qmpstatus = undefined;
    this.rowType = undefined;
  }

  /** One key's value; a key seen twice keeps its last value, as JSON.parse does. */
  set(k: string, v: unknown): void {
    switch (k) {
      // The constants, not the answer's copies: 20,000 guests would hold 20,000 copies of "qemu".
      case 'type':
        this.rowType = v;
        this.type = v === 'qemu' ? 'qemu' : v === 'lxc' ? 'lxc' : undefined;
        break;
      case 'vmid':
        this.vmid = typeof v === 'number' ? v : num(v);
        break;
      case 'name':
        this.name = typeof v === 'string' ? v : '';
        break;
      case 'node':
        this.node = typeof v === 'string' ? this.nodeName(v) : undefined;
        break;
      case 'status':
        this.status = guestStatus(v);
        break;
      // status/current and /nodes/{node}/qemu say `running` for a paused VM and put the QMP run state here.
      case 'qmpstatus': {
        const q = guestStatus(v);
        this.qmpstatus = q === 'paused' || q === 'suspended' ? q : undefined;
        break;
      }
      case 'template':
        this.template = bool(v);
        break;
      case 'tags':
        this.tags = this.tagList(v);
        break;
      case 'pool':
        this.pool = typeof v === 'string' && v !== '' ? v : undefined;
        break;
      case 'lock':
        this.lock = typeof v === 'string' && v !== '' ? v : undefined;
        break;
      case 'hastate':
        this.hastate = typeof v === 'string' && v !== '' ? v : undefined;
        break;
      case 'cpu':
        this.cpu = num0(v);
        break;
      case 'maxcpu':
        this.maxcpu = num(v);
        break;
      // /nodes/{node}/qemu calls it `cpus`, /cluster/resources `maxcpu`.
      case 'cpus':
        this.cpus = num0(v);
        break;
      case 'mem':
        this.mem = num0(v);
        break;
      case 'maxmem':
        this.maxmem = num0(v);
        break;
      case 'disk':
        this.disk = num0(v);
        break;
      case 'maxdisk':
        this.maxdisk = num0(v);
        break;
      case 'uptime':
        this.uptime = num0(v);
        break;
      default:
        break;
    }
  }

  /**
   * The guest read since the last `reset()`; an InvalidResponseError when it has no numeric vmid. `before`:
   * the same guest in the last answer, which is returned itself when nothing changed (a stopped guest, a
   * template), else whose id and name strings the new guest keeps when they are unchanged.
   */
  guest(fallback?: { node: string; type: GuestType }, before?: Guest): Guest {
    const vmid = this.vmid;
    if (!isVmid(vmid)) throw new InvalidResponseError(vmid === undefined ? 'a guest row has no numeric vmid' : `a guest row has the vmid ${String(vmid)}, which is no VMID (100 to 999999999)`);
    const t = this.type ?? fallback?.type ?? 'qemu';
    const same = before !== undefined && before.vmid === vmid && before.type === t;
    const node = this.node ?? fallback?.node ?? '';
    const status = this.qmpstatus && this.status === 'running' ? this.qmpstatus : this.status;
    const maxcpu = this.maxcpu ?? this.cpus;
    if (same && this.unchanged(before, node, status, maxcpu)) return before;
    return {
      id: same ? before.id : `${t}/${vmid}`,
      type: t,
      vmid,
      name: same && before.name === this.name ? before.name : this.name,
      node,
      status,
      template: this.template,
      tags: this.tags,
      pool: this.pool,
      lock: this.lock,
      hastate: this.hastate,
      cpu: this.cpu,
      maxcpu,
      mem: this.mem,
      maxmem: this.maxmem,
      disk: this.disk,
      maxdisk: this.maxdisk,
      uptime: this.uptime,
    };
  }

  /** Whether `before` (same VMID and type) holds every value read, so the new answer needs no new object for it. */
  private unchanged(before: Guest, node: string, status: GuestStatus, maxcpu: number): boolean {
    return (
      before.name === this.name &&
      before.node === node &&
      before.status === status &&
      before.template === this.template &&
      sameList(before.tags, this.tags) &&
      before.pool === this.pool &&
      before.lock === this.lock &&
      before.hastate === this.hastate &&
      before.cpu === this.cpu &&
      before.maxcpu === maxcpu &&
      before.mem === this.mem &&
      before.maxmem === this.maxmem &&
      before.disk === this.disk &&
      before.maxdisk === this.maxdisk &&
      before.uptime === this.uptime
    );
  }

  /** One copy of each node's name for all its guests, and one frozen tag list per distinct tags text. */
  private nodeName(v: string): string {
    return remembered(this.nodeNames, v, itself);
  }

  private tagList(v: unknown): readonly string[] {
    if (typeof v !== 'string' || v === '') return NO_TAGS;
    return remembered(this.tagLists, v, frozenTags);
  }
}
