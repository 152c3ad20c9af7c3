/**
 * Answers the client must not buffer without limit: a server (here a local HTTPS server on 127.0.0.1) that
 * streams an endless body, or announces a huge one, gets a named error within seconds and its socket
 * closed; the CLI prints that message instead of crashing with a stack. Also: answers that are not the
 * JSON PVE sends are reported as what they are.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { PveClient } from '../../../src/core/pve/client';
import { InvalidResponseError, ResponseTooLargeError } from '../../../src/core/pve/errors';
import { MAX_RESPONSE_BYTES } from '../../../src/core/pve/http';
import { main } from '../../../src/cli/main';
import { generateSelfSignedCert } from '../../../src/sim/cert';

let server: https.Server;
let url: string;
let fingerprint: string;
/** Per path: how the server answers. */
const routes = new Map<string, (res: ServerResponse) => void>();
/** Bytes the server managed to write, and whether the client closed the connection. */
const streamed = { bytes: 0, closed: false };

before(async () => {
  const cert = generateSelfSignedCert();
  fingerprint = cert.fingerprint;
  server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'https://x').pathname);
    if (route) route(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A guest row as /cluster/resources sends it (~400 bytes), repeated forever. */
function endless(res: ServerResponse): void {
  streamed.bytes = 0;
  streamed.closed = false;
  const row = JSON.stringify({ id: 'qemu/100', type: 'qemu', vmid: 100, name: 'guest-100', node: 'pve1', status: 'running', maxmem: 4294967296, mem: 1073741824, maxcpu: 4, cpu: 0.01, maxdisk: 34359738368, disk: 0, uptime: 12345, netin: 1, netout: 1, diskread: 1, diskwrite: 1, template: 0, tags: 'prod;k8s', pool: 'fleet', hastate: 'started' });
  const chunk = Buffer.from(`${row},`.repeat(Math.ceil(65536 / (row.length + 1))));
  res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
  res.write('{"data":[');
  res.on('close', () => {
    streamed.closed = true;
  });
  const pump = (): void => {
    while (!res.destroyed) {
      streamed.bytes += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function client(): PveClient {
  return new PveClient({ url, user: 'root@pam!t', auth: 'token', fingerprint, timeoutMs: 120_000 }, 'not-a-real-secret', { retry: { attempts: 1 } });
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an endless body rejects with ResponseTooLargeError soon after the limit, and the socket is closed', { timeout: 60_000 }, async () => {
  routes.set('/api2/json/cluster/resources', endless);
  const started = Date.now();
  await assert.rejects(client().clusterResources(), (err: unknown) => {
    assert.ok(err instanceof ResponseTooLargeError, String(err));
    assert.match(err.message, /larger than 64 MiB to GET \/api2\/json\/cluster\/resources, so it was not read/);
    return true;
  });
  const took = Date.now() - started;
  await waitFor('the server to see its connection closed', () => streamed.closed);
  // It stopped reading at the limit (plus what was in flight), not at what the server would send.
  assert.ok(streamed.bytes < MAX_RESPONSE_BYTES + 16 * 1024 * 1024, `the server wrote ${streamed.bytes} bytes`);
  assert.ok(took < 30_000, `took ${took} ms`);
});

test('a body announced larger than the limit is refused before it is read', { timeout: 30_000 }, async () => {
  routes.set('/api2/json/nodes', (res) => {
    streamed.closed = false;
    res.on('close', () => {
      streamed.closed = true;
    });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 ** 3) });
    res.write('{"data":[');
  });
  await assert.rejects(client().nodes(), ResponseTooLargeError);
  await waitFor('the server to see its connection closed', () => streamed.closed);
});

test('the CLI prints the message and exits 1 instead of crashing with a stack', { timeout: 60_000 }, async () => {
  routes.set('/api2/json/cluster/resources', endless);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['resources', '--url', url, '--token-id', 'root@pam!t', '--fingerprint', fingerprint], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { PROXMOX_IAC_TOKEN: 'not-a-real-secret' },
    cwd: process.cwd(),
  });
  assert.equal(code, 1);
  assert.deepEqual(out, []);
  assert.equal(err.length, 1);
  assert.match(err[0], /^proxmox-iac resources: Proxmox sent an answer larger than 64 MiB/);
  assert.doesNotMatch(err[0], /\n\s+at /);
});

test('malformed JSON and an unrequested gzip body are reported as what they are', async () => {
  routes.set('/api2/json/version', (res) => {
    const body = '{"data": {"version": "9.1", secret-looking-text';
    res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await assert.rejects(client().version(), (e: unknown) => {
    assert.ok(e instanceof InvalidResponseError);
    assert.match(e.message, /\(malformed JSON: it is not valid JSON\b/);
    assert.doesNotMatch(e.message, /instead of JSON|secret-looking/);
    return true;
  });
  routes.set('/api2/json/version', (res) => {
    const body = '{"data": {"version": "9.1"';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await assert.rejects(client().version(), /\(malformed JSON: it ends before the JSON is complete\)/);
  routes.set('/api2/json/version', (res) => {
    const body = gzipSync(JSON.stringify({ data: { version: '9.1.4', release: '9.1', repoid: 'x' } }));
    res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
    res.end(body);
  });
  await assert.rejects(client().version(), (e: unknown) => {
    assert.ok(e instanceof InvalidResponseError);
    assert.match(e.message, /\(a gzip-compressed body, which the extension did not ask for\)/);
    return true;
  });
  // An HTML page (a proxy's login form) is still named by its content type.
  routes.set('/api2/json/version', (res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html></html>'));
  await assert.rejects(client().version(), /\(text\/html instead of JSON\)/);
});

test('a body whose characters are split between packets reads whole (the body is decoded as it arrives)', async () => {
  const names = ['büro-01', '服务器-2', 'emoji-😀-3'];
  const body = Buffer.from(
    JSON.stringify({ data: names.map((name, i) => ({ id: `qemu/${100 + i}`, type: 'qemu', vmid: 100 + i, name, node: 'pve1', status: 'running' })) }),
  );
  routes.set('/api2/json/cluster/resources', (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': body.length });
    // One byte per write, each in its own TLS record: every multi-byte character arrives in pieces.
    let at = 0;
    const next = (): void => {
      if (at >= body.length) return void res.end();
      res.write(body.subarray(at, at + 1), () => setImmediate(next));
      at++;
    };
    next();
  });
  const snapshot = await client().clusterResources();
  assert.deepEqual(
    snapshot.guests.map((g) => g.name),
    names,
  );
});
