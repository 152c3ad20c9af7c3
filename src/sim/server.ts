/**
 * The simulator's HTTPS front: PVE's HTTP layer (pve-http-server / pve-manager HTTPServer.pm) as seen by a
 * client — routing by the official schema (501 for unknown methods), token and ticket auth (401 without a
 * body after a delay; CSRF for ticket writes), parameter verification (400 with an errors map), schema
 * permission checks (403 "Permission check failed (path, priv)"), the `{data}` envelope and error bodies
 * with PVE's headers, plus fault injection and a request log for tests.
 */
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimAuth } from './auth';
import { backupHandlers } from './backups';
import { handlers, SimError, type Handler, type Principal } from './handlers';
import { HOME_PAGE_CSP, homePage } from './homePage';
import { buildRoutes, checkPermissions, matchRoute, SCHEMA, type Route } from './routes';
import type { SimState } from './state';
import { validateParameters, type Value } from './validate';
import { delay, parseParams, readBody, sendBare, sendError, sendJson } from './wire';

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

const UNAUTHENTICATED = new Set(['GET /access/ticket', 'POST /access/ticket', 'GET /access/domains', 'POST /access/vncticket']);

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
  private readonly auth: SimAuth;
  private readonly server: https.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly state: SimState;
  private readonly authFailureDelayMs: number;

  constructor(private readonly options: ServerOptions) {
    this.state = options.state;
    this.authFailureDelayMs = options.authFailureDelayMs;
    this.auth = new SimAuth(options.state);
    this.routes = buildRoutes();
    this.server = https.createServer({ key: options.key, cert: options.cert, keepAlive: true }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, 500, err instanceof Error ? err.message : String(err));
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
    this.auth.expireTickets();
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
      sendError(res, 501, 'for data too large');
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
      sendError(res, 501, `Method '${method} ${rawPath}' not implemented`);
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
        sendBare(res, 401, fault.message || 'Authentication failed!');
      } else if (fault.status >= 595) sendBare(res, fault.status, fault.message || 'No route to host');
      else sendError(res, fault.status, fault.message || 'simulated internal error');
      return;
    }

    let params: Record<string, Value>;
    try {
      params = parseParams(method, url, body, String(req.headers['content-type'] ?? ''));
    } catch {
      log(400, {}, 'none');
      sendError(res, 400, 'Parameter verification failed.', { data: 'unable to parse request body' });
      return;
    }

    const match = matchRoute(this.routes, apiPath);
    const info = match ? SCHEMA[match.template]?.[method] : undefined;
    if (!match || !info) {
      log(501, params, 'none');
      sendError(res, 501, `Method '${method} ${apiPath}' not implemented`);
      return;
    }
    const key = `${method} ${match.template}`;
    Object.assign(params, match.pathParams);

    // Authentication (before the handler; failures are bodiless and slow, like pveproxy).
    let principal: Principal | undefined;
    let authKind: LoggedRequest['auth'] = 'none';
    if (!UNAUTHENTICATED.has(key)) {
      const auth = this.auth.authenticate(req, method);
      if ('error' in auth) {
        log(401, params, auth.kind, match.template);
        await delay(this.authFailureDelayMs);
        sendBare(res, 401, auth.error);
        return;
      }
      principal = auth.principal;
      authKind = auth.kind;
      if (auth.kind === 'token' && !info.allowtoken) {
        log(403, params, authKind, match.template);
        sendError(res, 403, `Permission check failed (URI '${apiPath}' not available with API token, need proper ticket.)`);
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
      sendError(res, 400, 'Parameter verification failed.', errors);
      return;
    }

    if (key === 'POST /access/ticket') {
      const session = this.auth.login(params);
      if (session) sendJson(res, 200, 'OK', { data: { username: session.username, ticket: session.ticket, CSRFPreventionToken: session.csrf, clustername: 'sim', cap: {} } });
      else {
        await delay(this.authFailureDelayMs);
        sendError(res, 401, 'authentication failure');
      }
      log(session ? 200 : 401, { username: params.username ?? '' }, 'none', match.template);
      return;
    }

    if (principal) {
      const denied = checkPermissions(info.permissions, params, principal);
      if (denied) {
        log(403, params, authKind, match.template);
        sendError(res, 403, denied);
        return;
      }
    }

    const handler: Handler | undefined = this.handlers.get(key);
    if (!handler) {
      log(501, params, authKind, match.template);
      sendError(res, 501, `Method '${method} ${apiPath}' not implemented`);
      return;
    }
    try {
      const result = handler({ state: this.state, params, principal: principal! });
      log(200, params, authKind, match.template);
      sendJson(res, 200, 'OK', result.total === undefined ? { data: result.data } : { data: result.data, total: result.total });
    } catch (err) {
      if (err instanceof SimError) {
        log(err.status, params, authKind, match.template);
        sendError(res, err.status, err.message, err.errors);
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
}
