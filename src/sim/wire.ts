/** The simulator's HTTP wire format: pveproxy's headers, the `{data}` envelope and error bodies, request bodies and parameters. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Value } from './validate';

function baseHeaders(status: number): Record<string, string> {
  const date = new Date().toUTCString();
  return { Server: 'pve-api-daemon/3.0', 'Cache-Control': 'max-age=0', Pragma: 'no-cache', Expires: date, Date: date, Connection: status >= 400 ? 'close' : 'Keep-Alive' };
}

export function sendJson(res: ServerResponse, status: number, reason: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, reason, { ...baseHeaders(status), 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** `{data:null, message:"…\n"[, errors]}` in a varying key order, reason phrase = first line. */
export function sendError(res: ServerResponse, status: number, message: string, errors?: Record<string, string>): void {
  const msg = message.endsWith('\n') ? message : `${message}\n`;
  const body: Record<string, unknown> = Math.random() < 0.5 ? { data: null, message: msg } : { message: msg, data: null };
  if (errors) body.errors = errors;
  sendJson(res, status, reasonPhrase(message), body);
}

/** No body, no Content-Type (401 from the auth layer, 595 from the proxy). */
export function sendBare(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, reasonPhrase(reason), { ...baseHeaders(status), 'Content-Length': 0 });
  res.end();
}

function reasonPhrase(message: string): string {
  // Node refuses CR/LF and non-latin1 characters in the status line.
  return (message.split('\n')[0] ?? '').replace(/[^\x20-\x7e]/g, '?') || 'Error';
}

export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/**
 * pve-http-server's `$limit_max_post`: 512 KiB since libpve-http-server-perl 5.2.1 (PVE 8.4+), 64 KiB before.
 * The simulator (PVE 9.1) refuses more, and does not buffer it either.
 */
const MAX_REQUEST_BODY_BYTES = 512 * 1024;

/** The request body, or undefined when it is larger than MAX_REQUEST_BODY_BYTES (reading stops there). */
export function readBody(req: IncomingMessage): Promise<string | undefined> {
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
export function parseParams(method: string, url: URL, body: string, contentType: string): Record<string, Value> {
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
