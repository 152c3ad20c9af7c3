/**
 * `PveClient`: the PveApi over HTTPS, one method per endpoint. Each reads its answer through parse.ts (or the
 * sliced reader for `/cluster/resources`); auth, TLS and retries are PveRequests' (requests.ts).
 */
import type { CallOptions, CloneOptions, GuestRef, PveApi, WaitOptions } from './api';
import { AgentNotConfiguredError, InvalidResponseError } from './errors';
import type { WireResponse } from './http';
import { KnownGuests } from './knownGuests';
import { agentResult, parseAgentInterfaces, parseAgentOsInfo, parseHostName } from './parseAgent';
import {
  parseBridges,
  parseGuestList,
  parseNextId,
  parseNodes,
  parseSnapshots,
  parseStorages,
  parseTaskLog,
  parseTaskStatus,
  parseUpidResult,
} from './parse';
import { guestPath, seg, type Params } from './paths';
import { PveRequests } from './requests';
import { clusterResourcesInSlices } from './sliced';
import { waitForTask } from './taskWait';
import type {
  AgentInterface,
  AgentOsInfo,
  ClusterSnapshot,
  Guest,
  GuestType,
  NodeBridge,
  PowerAction,
  PveNode,
  Snapshot,
  Storage,
  TaskResult,
  TaskStatus,
} from './types';

export type { PveClientOptions } from './requests';

/** Reading a task log without a usable `total` for its end: pages of this many lines, at most this many pages. */
const TAIL_PAGE_LINES = 500;
const TAIL_PAGES = 40;

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export class PveClient extends PveRequests implements PveApi {
  /** The guests the last `/cluster/resources` answer listed (their strings are reused by the next). */
  readonly #knownGuests = new KnownGuests();

  async version(o?: CallOptions): Promise<{ version: string; release: string; repoid: string }> {
    const d = (await this.get('/version', undefined, o)) as Record<string, unknown> | null;
    if (!d || typeof d.version !== 'string') throw new InvalidResponseError('/version has no version');
    return { version: d.version, release: text(d.release), repoid: text(d.repoid) };
  }

  async clusterResources(o?: CallOptions): Promise<ClusterSnapshot> {
    // The largest answer (≈ 300 bytes per guest), parsed and read in slices so a refresh never blocks for long.
    const read = (res: WireResponse, request: string): Promise<{ data: ClusterSnapshot }> =>
      clusterResourcesInSlices(res, request, { known: this.#knownGuests });
    return (await this.request('GET', '/cluster/resources', undefined, o, read)).data as ClusterSnapshot;
  }

  async nodes(o?: CallOptions): Promise<PveNode[]> {
    return parseNodes(await this.get('/nodes', undefined, o));
  }

  async guests(node: string, type: GuestType, o?: CallOptions): Promise<Guest[]> {
    return parseGuestList(await this.get(`/nodes/${seg(node, 'node name')}/${seg(type, 'guest type')}`, undefined, o), node, type);
  }

  async guestStatus(ref: GuestRef, o?: CallOptions): Promise<Record<string, unknown>> {
    const d = await this.get(`${guestPath(ref)}/status/current`, undefined, o);
    if (!d || typeof d !== 'object') throw new InvalidResponseError('status/current is not an object');
    return d as Record<string, unknown>;
  }

  async storages(node: string, o?: CallOptions): Promise<Storage[]> {
    return parseStorages(await this.get(`/nodes/${seg(node, 'node name')}/storage`, undefined, o), node);
  }

  async bridges(node: string, o?: CallOptions): Promise<NodeBridge[]> {
    return parseBridges(await this.get(`/nodes/${seg(node, 'node name')}/network`, { type: 'any_bridge' }, o), node);
  }

  async nextId(o?: CallOptions): Promise<number> {
    return parseNextId(await this.get('/cluster/nextid', undefined, o));
  }

  async power(ref: GuestRef, action: PowerAction, o?: CallOptions): Promise<string> {
    const { data } = await this.request('POST', `${guestPath(ref)}/status/${action}`, {}, o);
    return parseUpidResult(data, action);
  }

  async clone(ref: GuestRef, options: CloneOptions, o?: CallOptions): Promise<string> {
    const params: Params = {
      newid: options.newid,
      // LXC calls the new guest's name `hostname`.
      [ref.type === 'lxc' ? 'hostname' : 'name']: options.name,
      target: options.target,
      full: options.full,
      storage: options.storage,
      pool: options.pool,
      description: options.description,
    };
    const { data } = await this.request('POST', `${guestPath(ref)}/clone`, params, o);
    return parseUpidResult(data, 'clone');
  }

  async template(ref: GuestRef, o?: CallOptions): Promise<string | null> {
    const { data } = await this.request('POST', `${guestPath(ref)}/template`, {}, o);
    return data === null || data === undefined ? null : parseUpidResult(data, 'template');
  }

  async destroy(ref: GuestRef, o?: CallOptions): Promise<string> {
    const { data } = await this.request('DELETE', guestPath(ref), undefined, o);
    return parseUpidResult(data, 'destroy');
  }

  async config(ref: GuestRef, o?: CallOptions): Promise<Record<string, unknown>> {
    const d = await this.get(`${guestPath(ref)}/config`, undefined, o);
    if (!d || typeof d !== 'object') throw new InvalidResponseError('the guest config is not an object');
    return d as Record<string, unknown>;
  }

  async updateConfigAsync(ref: GuestRef, params: Record<string, string | number | boolean>, o?: CallOptions): Promise<string | null> {
    if (ref.type !== 'qemu') {
      await this.updateConfig(ref, params, o);
      return null;
    }
    const { data } = await this.request('POST', `${guestPath(ref)}/config`, params, o);
    return data === null || data === undefined ? null : parseUpidResult(data, 'config update');
  }

  async updateConfig(ref: GuestRef, params: Record<string, string | number | boolean>, o?: CallOptions): Promise<void> {
    await this.request('PUT', `${guestPath(ref)}/config`, params, o);
  }

  async resizeDisk(ref: GuestRef, disk: string, size: string, o?: CallOptions): Promise<string> {
    const { data } = await this.request('PUT', `${guestPath(ref)}/resize`, { disk, size }, o);
    return parseUpidResult(data, 'resize');
  }

  async snapshots(ref: GuestRef, o?: CallOptions): Promise<Snapshot[]> {
    return parseSnapshots(await this.get(`${guestPath(ref)}/snapshot`, undefined, o));
  }

  async createSnapshot(ref: GuestRef, name: string, options?: { description?: string; vmstate?: boolean }, o?: CallOptions): Promise<string> {
    const params: Params = { snapname: name, description: options?.description };
    // Only VMs can save RAM state; the LXC endpoint has no vmstate parameter.
    if (ref.type === 'qemu' && options?.vmstate !== undefined) params.vmstate = options.vmstate;
    const { data } = await this.request('POST', `${guestPath(ref)}/snapshot`, params, o);
    return parseUpidResult(data, 'snapshot');
  }

  async rollbackSnapshot(ref: GuestRef, name: string, o?: CallOptions): Promise<string> {
    const { data } = await this.request('POST', `${guestPath(ref)}/snapshot/${seg(name, 'snapshot name')}/rollback`, {}, o);
    return parseUpidResult(data, 'rollback');
  }

  async deleteSnapshot(ref: GuestRef, name: string, o?: CallOptions): Promise<string> {
    const { data } = await this.request('DELETE', `${guestPath(ref)}/snapshot/${seg(name, 'snapshot name')}`, undefined, o);
    return parseUpidResult(data, 'snapshot deletion');
  }

  #agentPath(ref: GuestRef, cmd: string): string {
    if (ref.type !== 'qemu') {
      throw new AgentNotConfiguredError({ request: `agent ${cmd} on a container` }, 'A container (LXC) has no QEMU guest agent: agent commands work on VMs only.');
    }
    return `${guestPath(ref)}/agent/${cmd}`;
  }

  async agentPing(ref: GuestRef, o?: CallOptions): Promise<void> {
    const path = this.#agentPath(ref, 'ping');
    const { data } = await this.request('POST', path, {}, o);
    agentResult(data, 'ping', `POST ${path}`);
  }

  async agentNetworkInterfaces(ref: GuestRef, o?: CallOptions): Promise<AgentInterface[]> {
    const path = this.#agentPath(ref, 'network-get-interfaces');
    return parseAgentInterfaces(await this.get(path, undefined, o), `GET ${path}`);
  }

  async agentOsInfo(ref: GuestRef, o?: CallOptions): Promise<AgentOsInfo> {
    const path = this.#agentPath(ref, 'get-osinfo');
    return parseAgentOsInfo(await this.get(path, undefined, o), `GET ${path}`);
  }

  async agentHostName(ref: GuestRef, o?: CallOptions): Promise<string> {
    const path = this.#agentPath(ref, 'get-host-name');
    return parseHostName(await this.get(path, undefined, o), `GET ${path}`);
  }

  async taskStatus(node: string, upid: string, o?: CallOptions): Promise<TaskStatus> {
    return parseTaskStatus(await this.get(`/nodes/${seg(node, 'node name')}/tasks/${seg(upid, 'task ID')}/status`, undefined, o), upid);
  }

  async taskLog(node: string, upid: string, range?: { start?: number; limit?: number }, o?: CallOptions): Promise<string[]> {
    return (await this.#taskLogPage(node, upid, range, o)).lines;
  }

  async #taskLogPage(node: string, upid: string, range: { start?: number; limit?: number } | undefined, o?: CallOptions): Promise<{ lines: string[]; total?: number }> {
    const { data, total } = await this.request('GET', `/nodes/${seg(node, 'node name')}/tasks/${seg(upid, 'task ID')}/log`, { start: range?.start, limit: range?.limit }, o);
    return total === undefined ? { lines: parseTaskLog(data) } : { lines: parseTaskLog(data), total };
  }

  /**
   * The last `lines` lines of a task's log (two requests when the log is longer than that). An answer without a
   * usable `total` is read on page by page (up to TAIL_PAGES), so the end of the log — a failed task's
   * `TASK ERROR:` line — is never replaced by its start.
   */
  async taskLogTail(node: string, upid: string, lines = 50, o?: CallOptions): Promise<string[]> {
    const first = await this.#taskLogPage(node, upid, { start: 0, limit: lines }, o);
    const total = first.total;
    if (total !== undefined && Number.isSafeInteger(total) && total >= 0) {
      if (total <= lines) return first.lines;
      const last = await this.#taskLogPage(node, upid, { start: total - lines, limit: lines }, o);
      if (last.lines.length > 0) return last.lines;
    }
    if (first.lines.length < lines) return first.lines;
    let tail = first.lines;
    for (let page = 1, start = first.lines.length; page < TAIL_PAGES; page++) {
      const next = (await this.#taskLogPage(node, upid, { start, limit: TAIL_PAGE_LINES }, o)).lines;
      tail = [...tail, ...next].slice(-lines);
      if (next.length < TAIL_PAGE_LINES) break;
      start += next.length;
    }
    return tail;
  }

  async waitForTask(upid: string, o?: WaitOptions): Promise<TaskResult> {
    return waitForTask(this, upid, this.taskPoll, o);
  }
}

