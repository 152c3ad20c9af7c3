/**
 * The wire: one HTTPS exchange with node's https module, and the mapping from a PVE answer (status, reason
 * phrase, optional JSON body) to the typed errors in errors.ts. No retries and no auth here (client.ts).
 */
import * as https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { BodyText } from './bodyText';
import {
  AgentCommandError,
  AgentNotConfiguredError,
  AgentNotRunningError,
  AgentTimeoutError,
  ApiError,
  AuthenticationError,
  CancelledError,
  ConnectionError,
  GuestLockedError,
  GuestNotFoundError,
  GuestNotRunningError,
  InvalidResponseError,
  LockTimeoutError,
  NodeUnreachableError,
  ParameterError,
  PermissionError,
  PveError,
  ResponseTooLargeError,
  TimeoutError,
  UntrustedCertificateError,
  type PveErrorDetails,
} from './errors';
import { parseJson } from './json';

export interface WireRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Stop reading and fail with ResponseTooLargeError beyond this many body bytes (default MAX_RESPONSE_BYTES). */
  readonly maxBodyBytes?: number;
}

/**
 * The largest answer the client reads. The biggest PVE answer the extension asks for is /cluster/resources:
 * about 400 bytes per guest, so 20,000 guests are ~8 MB; 64 MiB leaves eight times that for storage and
 * node rows and longer names, and stays far below what a JavaScript string can hold (~512 MiB).
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface WireResponse {
  readonly status: number;
  /** HTTP reason phrase: PVE puts the first line of its error message here. */
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /**
   * The body's bytes, when every one is ASCII (PVE's answers nearly always are): a reader that takes them reads
   * the answer in parts and never needs `body`, which is then made from them only when first read.
   */
  readonly bytes?: Buffer;
}

/** A response whose text is made from its ASCII bytes when something first reads `body` (a spread copy reads it). */
export function asciiResponse(status: number, statusText: string, headers: IncomingHttpHeaders, bytes: Buffer): WireResponse {
  let text: string | undefined;
  return {
    status,
    statusText,
    headers,
    bytes,
    get body(): string {
      return (text ??= bytes.toString('latin1'));
    },
  };
}

/** Sends one request; rejects only with PveError subclasses. Replaceable in tests. */
export type Transport = (req: WireRequest) => Promise<WireResponse>;

const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function transportError(err: unknown, req: WireRequest): PveError {
  if (err instanceof PveError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code;
  if (e?.name === 'AbortError' || code === 'ABORT_ERR') return new CancelledError();
  if (code && TLS_VERIFY_CODES.has(code)) return new UntrustedCertificateError(code);
  const details = { request: `${req.method} ${req.url.pathname}` };
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ECONNRESET' || code === 'EPIPE'
        ? 'connection reset'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host name not found'
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? 'host unreachable'
            : (code ?? 'network error');
  return new ConnectionError(reason, code, details);
}

/** The default transport over node's https module with the given agent (pinned or verifying). */
export function httpsTransport(agent: https.Agent): Transport {
  return (req) =>
    new Promise<WireResponse>((resolve, reject) => {
      if (req.signal?.aborted) {
        reject(new CancelledError());
        return;
      }
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        reject(transportError(err, req));
      };
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
      const limit = req.maxBodyBytes ?? MAX_RESPONSE_BYTES;
      const tooLarge = (): void => {
        clearTimeout(timer);
        fail(new ResponseTooLargeError(limit, { request: `${req.method} ${req.url.pathname}` }));
        // Closes the socket: no more bytes are read or buffered, and the connection is not reused.
        r.destroy();
      };
      const r = https.request(req.url, { method: req.method, headers, agent, ...(req.signal ? { signal: req.signal } : {}) }, (res) => {
        let received = 0;
        const declared = Number(res.headers['content-length']);
        if (declared > limit) {
          tooLarge();
          return;
        }
        const body = new BodyText(res.headers['content-length'] === undefined ? undefined : declared);
        res.on('data', (c: Buffer) => {
          if (settled) return;
          received += c.length;
          if (received > limit) {
            body.clear();
            tooLarge();
            return;
          }
          body.add(c);
        });
        res.on('error', fail);
        // The server closed the connection mid-body.
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const statusText = res.statusMessage ?? '';
          const bytes = body.asciiBytes();
          resolve(bytes ? asciiResponse(status, statusText, res.headers, bytes) : { status, statusText, headers: res.headers, body: body.text() });
        });
      });
      const timer = setTimeout(() => {
        fail(new TimeoutError(req.timeoutMs, { request: `${req.method} ${req.url.pathname}` }));
        r.destroy();
      }, req.timeoutMs);
      r.on('error', (err) => {
        clearTimeout(timer);
        fail(err);
      });
      r.on('close', () => clearTimeout(timer));
      r.end(req.body);
    });
}

/** The error text of a failed answer: JSON `message` (PVE ≥ 8.4) or else the reason phrase. */
function serverText(res: WireResponse, body: Record<string, unknown> | undefined): string {
  const m = body && typeof body.message === 'string' ? body.message : '';
  return (m || res.statusText || '').trim();
}

function tryJson(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface Principal {
  readonly user: string;
  readonly auth: 'token' | 'password';
}

/** `get-osinfo` from `GET /nodes/pve/qemu/100/agent/get-osinfo`. */
export function agentCommandOf(request: string): string | undefined {
  return /\/agent\/([a-z-]+)$/.exec(request)?.[1];
}

/** Maps a non-2xx answer to the most specific typed error. */
export function errorFromResponse(res: WireResponse, request: string, principal: Principal | undefined): PveError {
  const body = tryJson(res.body);
  const text = serverText(res, body);
  const details: PveErrorDetails = { status: res.status, request, serverMessage: text };
  const s = res.status;
  if (s === 401) return new AuthenticationError(text || 'authentication failed', details);
  if (s === 403) return new PermissionError(text, principal, details);
  if (s === 400) {
    const errors = body?.errors;
    // PVE sends `{param: "reason"}`; anything else (a list, nested objects) is shown as text, not "[object Object]".
    if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
      const map: Record<string, string> = {};
      for (const [k, v] of Object.entries(errors as Record<string, unknown>)) {
        const reason = typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
        map[k] = reason.trim() || 'rejected';
      }
      return new ParameterError(map, details);
    }
    return new ApiError(text, details);
  }
  if (s === 595 || s === 596 || s === 597 || s === 599) return new NodeUnreachableError(text, details);
  if (s === 500) {
    let m: RegExpExecArray | null;
    if ((m = /^(VM|CT) is locked \(([^)]+)\)/.exec(text))) return new GuestLockedError(m[2], m[1] as 'VM' | 'CT', details);
    if (/can't lock file .* got timeout/.test(text)) return new LockTimeoutError(text, details);
    if (text.startsWith('No QEMU guest agent configured')) return new AgentNotConfiguredError(details);
    if ((m = /^VM (\d+) is not running/.exec(text))) return new GuestNotRunningError(Number(m[1]), details);
    if (text.startsWith('QEMU guest agent is not running')) return new AgentNotRunningError(details);
    if ((m = /(?:qga|qmp) command '([^']+)' failed - got timeout/.exec(text))) return new AgentTimeoutError(m[1], details);
    if ((m = /(?:qga|qmp) command 'guest-([^']+)' failed - (.+)/.exec(text))) return new AgentCommandError(m[1], m[2], undefined, details);
    if ((m = /^Agent error: (.+)/.exec(text))) return new AgentCommandError(agentCommandOf(request), m[1], undefined, details);
    if (/^Configuration file '.*' does not exist/.test(text)) return new GuestNotFoundError(text, details);
  }
  return new ApiError(text, details);
}

/** The `data` of a 2xx answer (plus `total` where PVE adds it). */
export function envelope(res: WireResponse, request: string): { data: unknown; total?: number } {
  const encoding = String(res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    // The client asks for `Accept-Encoding: identity`; PVE compresses only when asked, so a proxy did this.
    throw new InvalidResponseError(`a ${encoding}-compressed body, which the extension did not ask for`, { status: res.status, request });
  }
  const parsed = parseJson(res.body);
  if (!parsed.ok) {
    const ct = String(res.headers['content-type'] ?? '');
    const what = /^application\/json\b/i.test(ct) ? `malformed JSON: ${parsed.problem}` : `${ct || 'a body without a content type'} instead of JSON`;
    throw new InvalidResponseError(what, { status: res.status, request });
  }
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || !('data' in value)) {
    throw new InvalidResponseError('JSON without the "data" envelope', { status: res.status, request });
  }
  const p = value as { data: unknown; total?: unknown };
  return typeof p.total === 'number' ? { data: p.data, total: p.total } : { data: p.data };
}
