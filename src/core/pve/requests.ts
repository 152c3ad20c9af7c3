/**
 * The plumbing under `PveClient`: token auth (`PVEAPIToken=…`) or ticket auth (cookie + CSRF token on writes,
 * renewed before it expires), TLS by verification or a pinned fingerprint (tls.ts), idempotent GETs retried
 * with backoff, writes never retried, every failure a typed PveError (errors.ts).
 *
 * The secret lives in a private field: it is not enumerable, not serialised and never copied into an error.
 */
import type * as https from 'node:https';
import type { CallOptions } from './api';
import { InvalidPathSegmentError, InvalidResponseError, PveError } from './errors';
import { envelope, errorFromResponse, httpsTransport, type Principal, type Transport, type WireResponse } from './http';
import { encodeForm, type Params } from './paths';
import { sleep } from './taskWait';
import { PinnedAgent, VerifiedAgent, normalizeFingerprint } from './tls';
import type { ConnectionTarget } from './types';

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

/**
 * Requests to one Proxmox server as one principal: the URL checked, the auth headers, the retry policy. The
 * endpoints are PveClient's (client.ts).
 */
export class PveRequests {
  readonly target: ConnectionTarget;
  readonly #secret: string;
  readonly #transport: Transport;
  readonly #base: URL;
  readonly #principal: Principal;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  /** Task polling: first and largest interval. */
  protected readonly taskPoll: { readonly initialMs: number; readonly maxMs: number };
  readonly #onRequest?: (method: string, path: string) => void;
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
    this.taskPoll = { initialMs: options.taskPoll?.initialMs ?? 500, maxMs: options.taskPoll?.maxMs ?? 5000 };
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

  protected async get(path: string, params?: Params, o?: CallOptions): Promise<unknown> {
    return (await this.request('GET', path, params, o)).data;
  }
}
