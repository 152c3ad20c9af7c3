/**
 * `PveClient`: the PveApi over HTTPS. Token auth (`PVEAPIToken=…`) or ticket auth (cookie + CSRF token on
 * writes, renewed before it expires), TLS by verification or a pinned fingerprint (tls.ts), idempotent GETs
 * retried with backoff, writes never retried, every failure a typed PveError (errors.ts).
 *
 * The secret lives in a private field: it is not enumerable, not serialised and never copied into an error.
 */
import * as https from 'node:https';
import type { CallOptions, CloneOptions, GuestRef, PveApi, WaitOptions } from './api';
import { AgentNotConfiguredError, InvalidPathSegmentError, InvalidResponseError, PveError } from './errors';
import { envelope, errorFromResponse, httpsTransport, type Principal, type Transport, type WireResponse } from './http';
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
import { encodeForm, guestPath, seg, type Params } from './paths';
import { KnownGuests } from './knownGuests';
import { clusterResourcesInSlices } from './sliced';
import { sleep, waitForTask } from './taskWait';
import { PinnedAgent, VerifiedAgent, normalizeFingerprint } from './tls';
import type {
  AgentInterface,
  AgentOsInfo,
  ClusterSnapshot,
  ConnectionTarget,
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

export interface PveClientOptions {
  /** Replaces the HTTPS transport (tests). */
  readonly transport?: Transport;
  /** Replaces the https.Agent the default transport uses (tests, proxies). */
  readonly agent?: https.Agent;
  /** GET retries: attempts in total (default 3) and the first backoff (default 300 ms, doubling). */
  readonly retry?: { readonly attempts?: number; readonly baseDelayMs?: number };
  /** Task polling interval: first (default 500 ms) and largest (default 5 s). */
  readonly taskPoll?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Called once per HTTP exchange (method + API path, no query values, never headers). */
  readonly onRequest?: (method: string, path: string) => void;
}

/** Tickets are valid 2 h; renew well before. */
const TICKET_RENEW_MS = 60 * 60 * 1000;

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export class PveClient implements PveApi {
  readonly target: ConnectionTarget;
  readonly #secret: string;
  readonly #transport: Transport;
  readonly #base: URL;
  readonly #principal: Principal;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #pollInitialMs: number;
  readonly #pollMaxMs: number;
  readonly #onRequest?: (method: string, path: string) => void;
  /** The guests the last `/cluster/resources` answer listed (their strings are reused by the next). */
  readonly #knownGuests = new KnownGuests();
  #ticket?: { ticket: string; csrf: string; at: number };
  #login?: Promise<void>;

  constructor(target: ConnectionTarget, secret: string, options: PveClientOptions = {}) {
    this.target = target;
    this.#secret = secret;
    const base = new URL(target.url);
    if (base.protocol !== 'https:') throw new Error(`The Proxmox URL must start with https:// (got ${base.protocol}//).`);
    if (target.auth === 'token' && !/^[^@\s]+@[^!\s]+![^\s=]+$/.test(target.user)) {
      throw new Error(`The API token ID '${target.user}' must look like user@realm!tokenid (for example root@pam!explorer).`);
    }
    if (!base.port) base.port = '8006';
    base.pathname = '/api2/json';
    base.search = '';
    this.#base = base;
    this.#principal = { user: target.user, auth: target.auth };
    let transport = options.transport;
    if (!transport) {
      let agent = options.agent;
      if (!agent) {
        if (target.fingerprint) {
          if (!normalizeFingerprint(target.fingerprint)) throw new Error(`'${target.fingerprint}' is not a SHA-256 fingerprint (AA:BB:… with 32 bytes).`);
          agent = new PinnedAgent(target.fingerprint);
        } else {
          agent = new VerifiedAgent();
        }
      }
      transport = httpsTransport(agent);
    }
    this.#transport = transport;
    this.#attempts = Math.max(1, options.retry?.attempts ?? 3);
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 300;
    this.#pollInitialMs = options.taskPoll?.initialMs ?? 500;
    this.#pollMaxMs = options.taskPoll?.maxMs ?? 5000;
    if (options.onRequest) this.#onRequest = options.onRequest;
  }

  /** Never show the secret when logged or inspected. */
  toJSON(): Record<string, unknown> {
    return { url: this.target.url, user: this.target.user, auth: this.target.auth };
  }

  // ---- plumbing ---------------------------------------------------------------------------------------

  async #authHeaders(method: string, signal?: AbortSignal): Promise<Record<string, string>> {
    if (this.target.auth === 'token') return { Authorization: `PVEAPIToken=${this.target.user}=${this.#secret}` };
    await this.#ensureTicket(signal);
    const t = this.#ticket!;
    const h: Record<string, string> = { Cookie: `PVEAuthCookie=${t.ticket}` };
    if (method !== 'GET') h.CSRFPreventionToken = t.csrf;
    return h;
  }

  async #ensureTicket(signal?: AbortSignal, force = false): Promise<void> {
    if (!force && this.#ticket && Date.now() - this.#ticket.at < TICKET_RENEW_MS) return;
    if (!this.#login) {
      this.#login = this.#fetchTicket(signal).finally(() => {
        this.#login = undefined;
      });
    }
    await this.#login;
  }

  async #fetchTicket(signal?: AbortSignal): Promise<void> {
    const attempt = async (password: string): Promise<void> => {
      const res = await this.#send('POST', '/access/ticket', undefined, { username: this.target.user, password }, {}, signal);
      const { data } = envelope(res, 'POST /access/ticket');
      const d = data as { ticket?: unknown; CSRFPreventionToken?: unknown } | null;
      if (!d || typeof d.ticket !== 'string' || typeof d.CSRFPreventionToken !== 'string') {
        throw new InvalidResponseError('the login answer has no ticket (two-factor login is not supported; use an API token)');
      }
      this.#ticket = { ticket: d.ticket, csrf: d.CSRFPreventionToken, at: Date.now() };
    };
    // Renew with the old ticket as password; fall back to the password when it has expired.
    if (this.#ticket) {
      try {
        await attempt(this.#ticket.ticket);
        return;
      } catch (err) {
        if (!(err instanceof PveError) || err.status !== 401) throw err;
        this.#ticket = undefined;
      }
    }
    await attempt(this.#secret);
  }

  /** One exchange; maps non-2xx to typed errors. */
  async #send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    query: Params | undefined,
    form: Params | undefined,
    auth: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<WireResponse> {
    const url = new URL(this.#base.href + path);
    // Whatever built `path`, the URL must address exactly it: no dot segment collapsed, no `//` or `%2e` trick.
    if (url.pathname !== `${this.#base.pathname}${path}`) throw new InvalidPathSegmentError(path, 'API path');
    if (query) {
      const q = encodeForm(query);
      if (q) url.search = q;
    }
    const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Encoding': 'identity', ...auth };
    let body: string | undefined;
    if (form !== undefined) {
      body = encodeForm(form);
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    this.#onRequest?.(method, path);
    const res = await this.#transport({
      method,
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: this.target.timeoutMs ?? 30_000,
      ...(signal ? { signal } : {}),
    });
    if (res.status < 200 || res.status >= 300) throw errorFromResponse(res, `${method} ${path}`, this.#principal);
    return res;
  }

  /** Auth + retry policy: GETs retry transient failures with backoff; writes go out exactly once. */
  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    params?: Params,
    o?: CallOptions,
    decode: (res: WireResponse, request: string) => { data: unknown; total?: number } | Promise<{ data: unknown; total?: number }> = envelope,
  ): Promise<{ data: unknown; total?: number }> {
    const signal = o?.signal;
    const isGet = method === 'GET';
    const sendsBody = method === 'POST' || method === 'PUT';
    let reauthed = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const auth = await this.#authHeaders(method, signal);
        const res = await this.#send(method, path, sendsBody ? undefined : params, sendsBody ? (params ?? {}) : undefined, auth, signal);
        return await decode(res, `${method} ${path}`);
      } catch (err) {
        if (!(err instanceof PveError)) throw err;
        // An expired ticket: log in again once; this repeats no side effect (the server rejected it before the handler).
        if (err.status === 401 && this.target.auth === 'password' && !reauthed && this.#ticket) {
          reauthed = true;
          this.#ticket = undefined;
          attempt--;
          continue;
        }
        if (!isGet || !err.transient || attempt >= this.#attempts || signal?.aborted) throw err;
        const delay = this.#baseDelayMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
        await sleep(delay, signal);
      }
    }
  }

  async #get(path: string, params?: Params, o?: CallOptions): Promise<unknown> {
    return (await this.request('GET', path, params, o)).data;
  }

  // ---- PveApi -----------------------------------------------------------------------------------------

  async version(o?: CallOptions): Promise<{ version: string; release: string; repoid: string }> {
    const d = (await this.#get('/version', undefined, o)) as Record<string, unknown> | null;
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
    return parseNodes(await this.#get('/nodes', undefined, o));
  }

  async guests(node: string, type: GuestType, o?: CallOptions): Promise<Guest[]> {
    return parseGuestList(await this.#get(`/nodes/${seg(node, 'node name')}/${seg(type, 'guest type')}`, undefined, o), node, type);
  }

  async guestStatus(ref: GuestRef, o?: CallOptions): Promise<Record<string, unknown>> {
    const d = await this.#get(`${guestPath(ref)}/status/current`, undefined, o);
    if (!d || typeof d !== 'object') throw new InvalidResponseError('status/current is not an object');
    return d as Record<string, unknown>;
  }

  async storages(node: string, o?: CallOptions): Promise<Storage[]> {
    return parseStorages(await this.#get(`/nodes/${seg(node, 'node name')}/storage`, undefined, o), node);
  }

  async bridges(node: string, o?: CallOptions): Promise<NodeBridge[]> {
    return parseBridges(await this.#get(`/nodes/${seg(node, 'node name')}/network`, { type: 'any_bridge' }, o), node);
  }

  async nextId(o?: CallOptions): Promise<number> {
    return parseNextId(await this.#get('/cluster/nextid', undefined, o));
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
    const d = await this.#get(`${guestPath(ref)}/config`, undefined, o);
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
    return parseSnapshots(await this.#get(`${guestPath(ref)}/snapshot`, undefined, o));
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
    if (ref.type !== 'qemu') throw new AgentNotConfiguredError({ request: `agent ${cmd} on a container` });
    return `${guestPath(ref)}/agent/${cmd}`;
  }

  async agentPing(ref: GuestRef, o?: CallOptions): Promise<void> {
    const path = this.#agentPath(ref, 'ping');
    const { data } = await this.request('POST', path, {}, o);
    agentResult(data, 'ping', `POST ${path}`);
  }

  async agentNetworkInterfaces(ref: GuestRef, o?: CallOptions): Promise<AgentInterface[]> {
    const path = this.#agentPath(ref, 'network-get-interfaces');
    return parseAgentInterfaces(await this.#get(path, undefined, o), `GET ${path}`);
  }

  async agentOsInfo(ref: GuestRef, o?: CallOptions): Promise<AgentOsInfo> {
    const path = this.#agentPath(ref, 'get-osinfo');
    return parseAgentOsInfo(await this.#get(path, undefined, o), `GET ${path}`);
  }

  async agentHostName(ref: GuestRef, o?: CallOptions): Promise<string> {
    const path = this.#agentPath(ref, 'get-host-name');
    return parseHostName(await this.#get(path, undefined, o), `GET ${path}`);
  }

  async taskStatus(node: string, upid: string, o?: CallOptions): Promise<TaskStatus> {
    return parseTaskStatus(await this.#get(`/nodes/${seg(node, 'node name')}/tasks/${seg(upid, 'task ID')}/status`, undefined, o), upid);
  }

  async taskLog(node: string, upid: string, range?: { start?: number; limit?: number }, o?: CallOptions): Promise<string[]> {
    return (await this.#taskLogPage(node, upid, range, o)).lines;
  }

  async #taskLogPage(node: string, upid: string, range: { start?: number; limit?: number } | undefined, o?: CallOptions): Promise<{ lines: string[]; total?: number }> {
    const { data, total } = await this.request('GET', `/nodes/${seg(node, 'node name')}/tasks/${seg(upid, 'task ID')}/log`, { start: range?.start, limit: range?.limit }, o);
    return total === undefined ? { lines: parseTaskLog(data) } : { lines: parseTaskLog(data), total };
  }

  /** The last `lines` lines of a task's log (two requests when the log is longer than that). */
  async taskLogTail(node: string, upid: string, lines = 50, o?: CallOptions): Promise<string[]> {
    const first = await this.#taskLogPage(node, upid, { start: 0, limit: lines }, o);
    if (first.total === undefined || first.total <= lines) return first.lines;
    return (await this.#taskLogPage(node, upid, { start: first.total - lines, limit: lines }, o)).lines;
  }

  async waitForTask(upid: string, o?: WaitOptions): Promise<TaskResult> {
    return waitForTask(this, upid, { initialMs: this.#pollInitialMs, maxMs: this.#pollMaxMs }, o);
  }
}

