/**
 * The simulator's HTTPS front: PVE's HTTP layer (pve-http-server / pve-manager HTTPServer.pm) as seen by a
 * client — routing by the official schema (501 for unknown methods), token and ticket auth (401 without a
 * body after a delay; CSRF for ticket writes), parameter verification (400 with an errors map), schema
 * permission checks (403 "Permission check failed (path, priv)"), the `{data}` envelope and error bodies
 * with PVE's headers, plus fault injection and a request log for tests.
 */
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import apidoc from './schema/apidoc.json';
import { backupHandlers } from './backups';
import { handlers, SimError, type Handler, type Principal } from './handlers';
import { HOME_PAGE_CSP, homePage } from './homePage';
import { SimState } from './state';
import { validateParameters, type PveSchema, type Value } from './validate';

interface MethodInfo {
  parameters: PveSchema;
  returns: unknown;
  permissions?: { user?: string; check?: unknown[] };
  allowtoken?: number;
}

type Schema = Record<string, Record<string, MethodInfo>>;
export const SCHEMA = apidoc as unknown as Schema;

export interface Fault {
  /** Only this HTTP method (default: all). */
  method?: string;
  latencyMs?: number;
  /**
   * Answer with this status instead of running the handler. 401 comes bodiless after the auth delay,
   * 595/596/597/599 bodiless like pveproxy's proxy errors, anything else as a PVE error body with `message`.
   */
  status?: number;
  message?: string;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /** Answer this raw body (e.g. a proxy's HTML page) with `status` (default 200) and text/html. */
  body?: string;
  /** Number of matching requests it affects (default: all until cleared). */
  times?: number;
}

export interface LoggedRequest {
  readonly method: string;
  /** API path without /api2/json, e.g. `/nodes/prom/qemu/104/status/start`. */
  readonly path: string;
  /** The schema path it matched, e.g. `/nodes/{node}/qemu/{vmid}/status/start`. */
  readonly route?: string;
  readonly params: Record<string, Value>;
  readonly status: number;
  readonly auth: 'token' | 'ticket' | 'none';
}

interface Route {
  readonly template: string;
  readonly segments: readonly string[];
}

const UNAUTHENTICATED = new Set(['GET /access/ticket', 'POST /access/ticket', 'GET /access/domains', 'POST /access/vncticket']);
const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;

export interface ServerOptions {
  readonly state: SimState;
  readonly key: string;
  readonly cert: string;
  readonly port?: number;
  /** Delay before a 401 (real PVE: ~3 s). */
  readonly authFailureDelayMs: number;
  /** How long an idle keep-alive connection stays open (Node's default: 5 s). */
  readonly keepAliveTimeoutMs?: number;
}

export class SimServer {
  readonly requests: LoggedRequest[] = [];
  /** TLS connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections = 0;
  private readonly routes: Route[];
  private readonly handlers = new Map([...handlers(), ...backupHandlers()]);
  private readonly faults: { pattern: RegExp; fault: Fault; remaining: number }[] = [];
  private readonly tickets = new Map<string, { user: string; csrf: string; issued: number }>();
  private readonly csrfSecret = randomBytes(32);
  private readonly server: https.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly state: SimState;
  private readonly authFailureDelayMs: number;

  constructor(private readonly options: ServerOptions) {
    this.state = options.state;
    this.authFailureDelayMs = options.authFailureDelayMs;
    this.routes = Object.keys(SCHEMA).map((template) => ({ template, segments: template.split('/').slice(1) }));
    this.server = https.createServer({ key: options.key, cert: options.cert, keepAlive: true }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendError(res, 500, err instanceof Error ? err.message : String(err));
      });
    });
    if (options.keepAliveTimeoutMs !== undefined) this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
    this.server.on('secureConnection', (s) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  injectFault(pathPattern: string | RegExp, fault: Fault): void {
    const pattern =
      typeof pathPattern === 'string'
        ? new RegExp(`^${pathPattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
        : pathPattern;
    this.faults.push({ pattern, fault, remaining: fault.times ?? Infinity });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** For ticket-auth tests: make every issued ticket look expired. */
  expireTickets(): void {
    for (const t of this.tickets.values()) t.issued = 0;
  }

  // ---- request handling ------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    // Only for the query: `new URL` would also collapse `.`/`..` segments, which pve-http-server does not do
    // (`DELETE …/snapshot/..` names a snapshot called `..`, not the guest). Routing uses the raw path.
    const url = new URL(raw.startsWith('/') ? raw : `/${raw}`, 'https://127.0.0.1');
    const rawPath = raw.split('?')[0] ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (body === undefined) {
      // pve-http-server: `$self->error($reqstate, 501, "for data too large")`, the rest of the body unread.
      res.once('finish', () => req.socket.destroy());
      this.sendError(res, 501, 'for data too large');
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && rawPath === '/') {
      // Where a real node serves its web UI: say what this server is (no auth, like PVE's login page).
      const page = homePage(this.state.version, [...this.state.nodes.keys()]);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(page), 'Cache-Control': 'no-store', 'Content-Security-Policy': HOME_PAGE_CSP });
      res.end(method === 'HEAD' ? undefined : page);
      return;
    }
    if (!rawPath.startsWith('/api2/json/') && rawPath !== '/api2/json') {
      this.sendError(res, 501, `Method '${method} ${rawPath}' not implemented`);
      return;
    }
    const apiPath = rawPath.slice('/api2/json'.length) || '/';
    const log = (status: number, params: Record<string, Value>, auth: LoggedRequest['auth'], route?: string): void => {
      if (this.requests.length >= 10_000) this.requests.shift();
      this.requests.push({ method, path: apiPath, params, status, auth, ...(route ? { route } : {}) });
    };

    // Fault injection comes first: it stands for the network and the proxying node.
    const fault = this.takeFault(method, apiPath);
    if (fault?.latencyMs) await delay(fault.latencyMs);
    if (fault?.reset) {
      log(0, {}, 'none');
      req.socket.destroy();
      return;
    }
    if (fault?.body !== undefined) {
      const status = fault.status ?? 200;
      log(status, {}, 'none');
      res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(fault.body) });
      res.end(fault.body);
      return;
    }
    if (fault?.status) {
      log(fault.status, {}, 'none');
      if (fault.status === 401) {
        await delay(this.authFailureDelayMs);
        this.sendBare(res, 401, fault.message || 'Authentication failed!');
      } else if (fault.status >= 595) this.sendBare(res, fault.status, fault.message || 'No route to host');
      else this.sendError(res, fault.status, fault.message || 'simulated internal error');
      return;
    }

    let params: Record<string, Value>;
    try {
      params = parseParams(method, url, body, String(req.headers['content-type'] ?? ''));
    } catch {
      log(400, {}, 'none');
      this.sendError(res, 400, 'Parameter verification failed.', { data: 'unable to parse request body' });
      return;
    }

    const match = this.route(apiPath);
    const info = match ? SCHEMA[match.template]?.[method] : undefined;
    if (!match || !info) {
      log(501, params, 'none');
      this.sendError(res, 501, `Method '${method} ${apiPath}' not implemented`);
      return;
    }
    const key = `${method} ${match.template}`;
    Object.assign(params, match.pathParams);

    // Authentication (before the handler; failures are bodiless and slow, like pveproxy).
    let principal: Principal | undefined;
    let authKind: LoggedRequest['auth'] = 'none';
    if (!UNAUTHENTICATED.has(key)) {
      const auth = this.authenticate(req, method);
      if ('error' in auth) {
        log(401, params, auth.kind, match.template);
        await delay(this.authFailureDelayMs);
        this.sendBare(res, 401, auth.error);
        return;
      }
      principal = auth.principal;
      authKind = auth.kind;
      if (auth.kind === 'token' && !info.allowtoken) {
        log(403, params, authKind, match.template);
        this.sendError(res, 403, `Permission check failed (URI '${apiPath}' not available with API token, need proper ticket.)`);
        return;
      }
    }

    const errors = validateParameters(info.parameters, params);
    // A path parameter that is `.`, `..` or empty never names a resource (formats catch most of them).
    for (const [name, value] of Object.entries(match.pathParams)) {
      if (!errors[name] && (value === '' || value === '.' || value === '..')) errors[name] = `invalid format - '${value}' is not a valid ${name}`;
    }
    if (Object.keys(errors).length) {
      log(400, params, authKind, match.template);
      this.sendError(res, 400, 'Parameter verification failed.', errors);
      return;
    }

    if (key === 'POST /access/ticket') {
      const status = await this.login(res, params);
      log(status, { username: params.username ?? '' }, 'none', match.template);
      return;
    }

    if (principal) {
      const denied = this.checkPermissions(info.permissions, params, principal);
      if (denied) {
        log(403, params, authKind, match.template);
        this.sendError(res, 403, denied);
        return;
      }
    }

    const handler: Handler | undefined = this.handlers.get(key);
    if (!handler) {
      log(501, params, authKind, match.template);
      this.sendError(res, 501, `Method '${method} ${apiPath}' not implemented`);
      return;
    }
    try {
      const result = handler({ state: this.state, params, principal: principal! });
      log(200, params, authKind, match.template);
      this.sendJson(res, 200, 'OK', result.total === undefined ? { data: result.data } : { data: result.data, total: result.total });
    } catch (err) {
      if (err instanceof SimError) {
        log(err.status, params, authKind, match.template);
        this.sendError(res, err.status, err.message, err.errors);
        return;
      }
      throw err;
    }
  }

  private takeFault(method: string, path: string): Fault | undefined {
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      if (f.fault.method && f.fault.method.toUpperCase() !== method) continue;
      if (!f.pattern.test(path)) continue;
      f.remaining--;
      return f.fault;
    }
    return undefined;
  }

  private route(path: string): { template: string; pathParams: Record<string, string> } | undefined {
    const segs = path.split('/').slice(1);
    if (segs[segs.length - 1] === '') segs.pop();
    let decoded: string[];
    try {
      decoded = segs.map((s) => decodeURIComponent(s));
    } catch {
      return undefined;
    }
    outer: for (const r of this.routes) {
      if (r.segments.length !== decoded.length) continue;
      const pathParams: Record<string, string> = {};
      for (let i = 0; i < decoded.length; i++) {
        const t = r.segments[i];
        if (t.startsWith('{')) pathParams[t.slice(1, -1)] = decoded[i]!;
        else if (t !== decoded[i]) continue outer;
      }
      return { template: r.template, pathParams };
    }
    return undefined;
  }

  private authenticate(req: IncomingMessage, method: string): { principal: Principal; kind: 'token' | 'ticket' } | { error: string; kind: 'token' | 'ticket' | 'none' } {
    const authz = String(req.headers.authorization ?? '');
    const tokenMatch = /(?:^|\s)PVEAPIToken(?:=| )([^;]*)/.exec(authz);
    if (tokenMatch) {
      const value = tokenMatch[1].trim();
      const bang = value.indexOf('!');
      const eq = value.indexOf('=', bang);
      const id = eq > 0 ? value.slice(0, eq) : value;
      const secret = eq > 0 ? value.slice(eq + 1) : '';
      const token = this.state.tokens.get(id);
      if (!token || bang < 0 || token.secret !== secret) return { error: 'Authentication failed!', kind: 'token' };
      const acl = token.acl;
      return {
        kind: 'token',
        principal: { user: id.slice(0, bang), tokenid: id, can: (path, priv) => this.state.hasPrivilege(acl, path, priv) },
      };
    }
    const cookie = String(req.headers.cookie ?? '');
    const ticket = /(?:^|;\s*)PVEAuthCookie=([^;]*)/.exec(cookie)?.[1] ?? /(?:^|\s)PVEAuthCookie=([^;\s]*)/.exec(authz)?.[1];
    if (!ticket) return { error: 'No ticket', kind: 'none' };
    let decoded: string;
    try {
      decoded = decodeURIComponent(ticket);
    } catch {
      // Not even percent-decodable: as bad as any other forged ticket.
      return { error: 'Authentication failed!', kind: 'ticket' };
    }
    const t = this.tickets.get(decoded);
    if (!t || Date.now() - t.issued > TICKET_LIFETIME_MS) return { error: 'Authentication failed!', kind: 'ticket' };
    if (method !== 'GET' && req.headers.csrfpreventiontoken !== t.csrf) return { error: 'Permission denied - invalid csrf token', kind: 'ticket' };
    const user = this.state.users.get(t.user);
    const acl = user?.acl ?? [];
    return { kind: 'ticket', principal: { user: t.user, can: (path, priv) => this.state.hasPrivilege(acl, path, priv) } };
  }

  private async login(res: ServerResponse, params: Record<string, Value>): Promise<number> {
    let username = String(params.username);
    if (params.realm !== undefined && !username.includes('@')) username = `${username}@${String(params.realm)}`;
    const password = String(params.password);
    const user = this.state.users.get(username);
    const renewing = this.tickets.get(password);
    const ok = user && (user.password === password || (renewing && renewing.user === username && Date.now() - renewing.issued <= TICKET_LIFETIME_MS));
    if (!ok) {
      await delay(this.authFailureDelayMs);
      this.sendError(res, 401, 'authentication failure');
      return 401;
    }
    const stamp = Math.floor(Date.now() / 1000).toString(16).toUpperCase().padStart(8, '0');
    const ticket = `PVE:${username}:${stamp}::${randomBytes(256).toString('base64')}`;
    const csrf = `${stamp}:${createHmac('sha256', this.csrfSecret).update(`${stamp}:${username}`).digest('base64').replace(/=+$/, '')}`;
    this.tickets.set(ticket, { user: username, csrf, issued: Date.now() });
    this.sendJson(res, 200, 'OK', { data: { username, ticket, CSRFPreventionToken: csrf, clustername: 'sim', cap: {} } });
    return 200;
  }

  /** Evaluates the schema's `permissions` (check: perm / and / or); returns the 403 text or undefined. */
  private checkPermissions(perms: MethodInfo['permissions'], params: Record<string, Value>, principal: Principal): string | undefined {
    if (!perms?.check) return undefined;
    const failures: string[] = [];
    const evaluate = (check: unknown[]): boolean => {
      const [op, ...rest] = check;
      if (op === 'and') return rest.every((c) => evaluate(c as unknown[]));
      if (op === 'or') return rest.some((c) => evaluate(c as unknown[]));
      if (op !== 'perm') return true; // userid-param / userid-group: not used by the simulated calls
      const [rawPath, privs, ...opts] = rest as [string, string[], ...unknown[]];
      const requireIdx = opts.indexOf('require_param');
      if (requireIdx >= 0 && params[String(opts[requireIdx + 1])] === undefined) return false;
      const path = rawPath.replace(/\{([^}]+)\}/g, (_, name: string) => String(params[name] ?? ''));
      const any = opts.includes('any');
      const ok = any ? privs.some((p) => principal.can(path, p)) : privs.every((p) => principal.can(path, p));
      if (!ok) failures.push(any ? `${path}, ${privs.join('|')}` : `${path}, ${privs.find((p) => !principal.can(path, p))!}`);
      return ok;
    };
    return evaluate(perms.check) ? undefined : `Permission check failed (${failures[0] ?? '/'})`;
  }

  // ---- responses ---------------------------------------------------------------------------------------

  private baseHeaders(status: number): Record<string, string> {
    const date = new Date().toUTCString();
    return { Server: 'pve-api-daemon/3.0', 'Cache-Control': 'max-age=0', Pragma: 'no-cache', Expires: date, Date: date, Connection: status >= 400 ? 'close' : 'Keep-Alive' };
  }

  private sendJson(res: ServerResponse, status: number, reason: string, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, reason, { ...this.baseHeaders(status), 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** `{data:null, message:"…\n"[, errors]}` in a varying key order, reason phrase = first line. */
  private sendError(res: ServerResponse, status: number, message: string, errors?: Record<string, string>): void {
    const msg = message.endsWith('\n') ? message : `${message}\n`;
    const body: Record<string, unknown> = Math.random() < 0.5 ? { data: null, message: msg } : { message: msg, data: null };
    if (errors) body.errors = errors;
    this.sendJson(res, status, reasonPhrase(message), body);
  }

  /** No body, no Content-Type (401 from the auth layer, 595 from the proxy). */
  private sendBare(res: ServerResponse, status: number, reason: string): void {
    res.writeHead(status, reasonPhrase(reason), { ...this.baseHeaders(status), 'Content-Length': 0 });
    res.end();
  }
}

function reasonPhrase(message: string): string {
  // Node refuses CR/LF and non-latin1 characters in the status line.
  return (message.split('\n')[0] ?? '').replace(/[^\x20-\x7e]/g, '?') || 'Error';
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/**
 * pve-http-server's `$limit_max_post`: 512 KiB since libpve-http-server-perl 5.2.1 (PVE 8.4+), 64 KiB before.
 * The simulator (PVE 9.1) refuses more, and does not buffer it either.
 */
const MAX_REQUEST_BODY_BYTES = 512 * 1024;

/** The request body, or undefined when it is larger than MAX_REQUEST_BODY_BYTES (reading stops there). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** GET/DELETE: query string; POST/PUT: form or JSON body with query parameters merged on top. */
function parseParams(method: string, url: URL, body: string, contentType: string): Record<string, Value> {
  const params: Record<string, Value> = {};
  if ((method === 'POST' || method === 'PUT') && body !== '') {
    if (contentType.startsWith('application/json')) {
      const parsed = JSON.parse(body) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = v;
        else params[k] = JSON.stringify(v);
      }
    } else {
      for (const [k, v] of new URLSearchParams(body)) params[k] = v;
    }
  }
  for (const [k, v] of url.searchParams) params[k] = v;
  return params;
}
