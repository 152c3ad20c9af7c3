/**
 * The simulator's HTTP layer as a raw client sees it, compared with facts.md and the error samples:
 * bodiless delayed 401s, CSRF for ticket writes, error bodies and reason phrases, headers, JSON bodies,
 * privilege-filtered listings, and a 5,000-guest cluster served quickly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, sim, VM } from '../pve/helpers';
import { PermissionError } from '../../../src/core/pve/errors';
import { cpuMs } from '../../support/cpu-time';

let s: RunningSimulator;

before(async () => {
  s = await sim({ authFailureDelayMs: 120 });
});
after(async () => {
  await s.stop();
});

interface Raw {
  status: number;
  reason: string;
  headers: import('node:http').IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** A plain request, verifying the simulator's certificate as a CA (no pinning machinery involved). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.request(`${s.url}/api2/json${path}`, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) }, ca: s.certificate }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, reason: res.statusMessage!, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: Date.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const token = (role: keyof RunningSimulator['tokens'] = 'admin'): Record<string, string> => ({ Authorization: `PVEAPIToken=${s.tokens[role].id}=${s.tokens[role].secret}` });
const sampleExchange = (name: string): { statusText: string; body: string; headers: Record<string, string> } =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/pve-samples', `${name}.json`), 'utf8')) as { statusText: string; body: string; headers: Record<string, string> };

test('no credentials → 401 "No ticket", no body, no Content-Type, delayed, connection closed', async () => {
  const r = await raw('GET', '/version');
  const sample = sampleExchange('error-401-no-ticket');
  assert.equal(r.status, 401);
  assert.equal(r.reason, sample.statusText);
  assert.equal(r.body, '');
  assert.equal(r.headers['content-type'], undefined);
  assert.equal(r.headers.server, 'pve-api-daemon/3.0');
  assert.equal(r.headers.connection, 'close');
  assert.ok(r.ms >= 100, `answered after ${r.ms} ms`);
});

test('a wrong token → 401 "Authentication failed!"; a space instead of = after PVEAPIToken also works', async () => {
  const bad = await raw('GET', '/version', { Authorization: `PVEAPIToken=${s.tokens.admin.id}=nope` });
  assert.equal(bad.reason, sampleExchange('error-401-authentication-failed').statusText);
  const spaced = await raw('GET', '/version', { Authorization: `PVEAPIToken ${s.tokens.admin.id}=${s.tokens.admin.secret}` });
  assert.equal(spaced.status, 200);
});

test('success: the envelope and PVE\'s headers', async () => {
  const r = await raw('GET', '/version', token());
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/json;charset=UTF-8');
  assert.equal(r.headers['cache-control'], 'max-age=0');
  assert.equal(r.headers.pragma, 'no-cache');
  assert.ok(r.headers.expires);
  assert.deepEqual(Object.keys(JSON.parse(r.body) as object), ['data']);
});

test('400: reason phrase, errors map and message as in the sample', async () => {
  const r = await raw('GET', '/nodes/prom/qemu/99/status/current', token());
  const sample = sampleExchange('error-400-parameter-verification');
  assert.equal(r.status, 400);
  assert.equal(r.reason, sample.statusText);
  assert.deepEqual(JSON.parse(r.body), JSON.parse(sample.body));
  assert.equal(r.headers.connection, 'close');
});

test('403: body like the sample, for a real permission check', async () => {
  const r = await raw('POST', '/nodes/pve3/qemu/151/status/start', token('auditor'));
  assert.equal(r.status, 403);
  assert.equal(r.reason, 'Permission check failed (/vms/151, VM.PowerMgmt)');
  const body = JSON.parse(r.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), Object.keys(JSON.parse(sampleExchange('error-403-permission-check-failed').body) as object).sort());
  assert.equal(body.message, 'Permission check failed (/vms/151, VM.PowerMgmt)\n');
});

test('500 agent errors use qemu-server\'s exact texts (as in the samples)', async () => {
  const cases: [string, string, string][] = [
    ['POST', '/nodes/prom/qemu/9002/agent/ping', 'error-500-agent-not-configured'],
    ['GET', '/nodes/prom/qemu/111/agent/get-osinfo', 'error-500-agent-vm-not-running'],
    ['GET', '/nodes/prom/qemu/110/agent/get-osinfo', 'error-500-agent-not-running'],
    ['GET', '/nodes/prom/qemu/112/agent/network-get-interfaces', 'error-500-agent-timeout'],
  ];
  for (const [method, path, name] of cases) {
    const r = await raw(method, path, token());
    const sample = sampleExchange(name);
    const vmid = /qemu\/(\d+)/.exec(path)![1];
    assert.equal(r.status, 500, path);
    assert.equal(r.reason, sample.statusText.replace(/\b100\b/, vmid), path);
    assert.deepEqual(JSON.parse(r.body), JSON.parse(sample.body.replace(/\b100\b/, vmid)), path);
  }
});

test('POST bodies: form values and JSON with real booleans are both accepted; form "true" is not', async () => {
  const json = await raw('PUT', '/nodes/prom/qemu/105/config', { ...token(), 'Content-Type': 'application/json' }, JSON.stringify({ onboot: true, cores: 2 }));
  assert.equal(json.status, 200, json.body);
  const form = await raw('PUT', '/nodes/prom/qemu/105/config', { ...token(), 'Content-Type': 'application/x-www-form-urlencoded' }, 'onboot=true');
  assert.equal(form.status, 400);
  assert.deepEqual((JSON.parse(form.body) as { errors: unknown }).errors, { onboot: "type check ('boolean') failed - got 'true'" });
});

test('ticket auth: writes need the CSRFPreventionToken', async () => {
  const login = await raw('POST', '/access/ticket', { 'Content-Type': 'application/x-www-form-urlencoded' }, `username=root%40pam&password=${encodeURIComponent(s.users.root.password)}`);
  assert.equal(login.status, 200);
  const { ticket, CSRFPreventionToken } = (JSON.parse(login.body) as { data: { ticket: string; CSRFPreventionToken: string } }).data;
  assert.match(ticket, /^PVE:root@pam:[0-9A-F]{8}::/);
  assert.match(CSRFPreventionToken, /^[0-9A-F]{8}:/);
  const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` };
  assert.equal((await raw('GET', '/version', cookie)).status, 200, 'reads need no CSRF token');
  const noCsrf = await raw('POST', '/nodes/prom/qemu/104/agent/ping', cookie);
  assert.equal(noCsrf.status, 401);
  assert.equal(noCsrf.reason, 'Permission denied - invalid csrf token');
  assert.equal(noCsrf.body, '');
  const ok = await raw('POST', '/nodes/prom/qemu/104/agent/ping', { ...cookie, CSRFPreventionToken });
  assert.equal(ok.status, 200);
  const badLogin = await raw('POST', '/access/ticket', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'username=root%40pam&password=wrong');
  assert.equal(badLogin.status, 401);
  assert.equal(badLogin.reason, 'authentication failure');
  assert.deepEqual(Object.keys(JSON.parse(badLogin.body) as object).sort(), ['data', 'message'], 'the login failure has a JSON body');
});

test('privilege-filtered /cluster/resources: a pool-scoped token sees its pool\'s guests, bare nodes, no storage', async () => {
  const limited = await clientFor(s, 'limited').clusterResources();
  assert.deepEqual(limited.guests.map((g) => g.vmid).sort((a, b) => a - b), [104, 109, 110, 111, 112]);
  assert.equal(limited.nodes.length, 3, 'node rows always appear');
  assert.ok(limited.nodes.every((n) => n.maxmem === undefined && n.cpu === undefined), 'but without figures (no Sys.Audit)');
  assert.equal(limited.storages.length, 0);
  assert.deepEqual(limited.pools, ['fleet']);
  const auditor = await clientFor(s, 'auditor').clusterResources();
  assert.equal(auditor.guests.length, s.state.guests.size);
  assert.ok(auditor.nodes.every((n) => n.maxmem !== undefined));
  await assert.rejects(clientFor(s, 'auditor').power(VM(104), 'stop'), PermissionError);
  const visible = await clientFor(s, 'limited').guests('prom', 'qemu');
  assert.deepEqual(visible.map((g) => g.vmid).sort((a, b) => a - b), [104, 109, 110, 111, 112], '/nodes/{node}/qemu is filtered too');
});

test('a node\'s bridges: any_bridge leaves the NIC out, a token without Sys.Audit on the node sees none it may not use', async () => {
  const admin = clientFor(s);
  assert.deepEqual((await admin.bridges('prom')).map((b) => [b.iface, b.type, b.active, b.cidr]), [['vmbr0', 'bridge', true, '192.168.1.11/24'], ['vmbr1', 'bridge', true, undefined]]);
  assert.deepEqual((await admin.bridges('father')).map((b) => b.iface), ['vmbr0']);
  const all = (await admin.request('GET', '/nodes/prom/network')).data as { iface: string; type: string }[];
  assert.deepEqual(all.map((i) => `${i.iface}:${i.type}`), ['eno1:eth', 'vmbr0:bridge', 'vmbr1:bridge']);
  assert.deepEqual((await clientFor(s, 'auditor').bridges('prom')).map((b) => b.iface), ['vmbr0', 'vmbr1']);
  assert.deepEqual(await clientFor(s, 'limited').bridges('prom'), []);
});

test('a token sees only its own tasks unless it has Sys.Audit on the node', async () => {
  const admin = clientFor(s);
  const upid = await admin.power(VM(109), 'reboot');
  await assert.rejects(clientFor(s, 'limited').taskStatus('prom', upid), (err: PermissionError) => err.path === '/nodes/prom' && err.privileges[0] === 'Sys.Audit');
  assert.equal((await clientFor(s, 'auditor').taskStatus('prom', upid)).upid, upid);
});

test('a generated 5,000-guest / 20-node cluster answers /cluster/resources in one fast request', async () => {
  const big = await sim({ seed: { guests: 5000, nodes: 20 } });
  try {
    const c = clientFor(big);
    await c.clusterResources(); // warm-up
    // Server and client share this process, so its CPU time is the whole cost, however busy the machine is.
    const t0 = cpuMs();
    const snap = await c.clusterResources();
    const ms = cpuMs() - t0;
    assert.equal(snap.guests.length, 5000);
    assert.equal(snap.nodes.length, 20);
    assert.equal(big.requests.filter((r) => r.path === '/cluster/resources').length, 2);
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms of CPU time`);
  } finally {
    await big.stop();
  }
});

test('injected faults answer like the real layer for their status: 403 with a body, 401 bare and delayed', async () => {
  const c = clientFor(s);
  s.injectFault('/cluster/resources', { status: 403, message: 'Permission check failed (/vms/104, VM.Audit)', times: 1 });
  await assert.rejects(c.clusterResources(), (err: PermissionError) => err instanceof PermissionError && err.path === '/vms/104');
  s.injectFault('/version', { status: 401, times: 1 });
  const r = await raw('GET', '/version', token());
  assert.deepEqual([r.status, r.reason, r.body, r.headers['content-type']], [401, 'Authentication failed!', '', undefined]);
  assert.ok(r.ms >= 100);
});
