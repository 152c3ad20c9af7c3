/**
 * PveClient behaviour against the simulator: trust (pinning, normal verification, probing), retries,
 * tasks (success, failure, progress, cancellation, timeout), ticket auth with CSRF and renewal, and the
 * way parameters go over the wire.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as tlsTypes from 'node:tls';
import { PveClient } from '../../../src/core/pve/client';
import { encodeForm } from '../../../src/core/pve/paths';
import { ApiError, CancelledError, ConnectionError, TimeoutError } from '../../../src/core/pve/errors';
import { normalizeFingerprint, probeCertificate } from '../../../src/core/pve/tls';
import type { TaskStatus } from '../../../src/core/pve/types';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, CT, sim, VM } from './helpers';

let s: RunningSimulator;
let client: PveClient;

before(async () => {
  s = await sim();
  client = clientFor(s);
});
after(async () => {
  await s.stop();
});

function countRequests(path: string, method = 'GET'): number {
  return s.requests.filter((r) => r.path === path && r.method === method).length;
}

test('the right pinned fingerprint connects, in any spelling', async () => {
  const lower = s.fingerprint.toLowerCase().replace(/:/g, '');
  const c = clientFor(s, 'admin', {}, { fingerprint: lower });
  assert.equal((await c.version()).release, '9.1');
  assert.equal(normalizeFingerprint(lower), s.fingerprint);
});

test('normal verification accepts a certificate the agent trusts (no pinning)', async () => {
  const agent = new https.Agent({ ca: s.certificate });
  const c = new PveClient({ url: s.url, user: s.tokens.admin.id, auth: 'token' }, s.tokens.admin.secret, { agent });
  assert.equal((await c.version()).version, '9.1.4');
});

test('probeCertificate reports fingerprint and subject without sending credentials', async () => {
  const before = s.requests.length;
  const info = await probeCertificate(s.url);
  assert.equal(info.fingerprint, s.fingerprint);
  assert.match(info.subject, /CN=pve-sim\.localdomain/);
  assert.equal(info.trusted, false);
  assert.equal(info.verificationError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  assert.equal(s.requests.length, before);
});

test('clusterResources makes exactly one request and builds the model', async () => {
  const before = countRequests('/cluster/resources');
  const snap = await client.clusterResources();
  assert.equal(countRequests('/cluster/resources') - before, 1);
  assert.equal(snap.nodes.length, 3);
  const doc1 = snap.guests.find((g) => g.vmid === 104)!;
  assert.deepEqual(doc1.tags, ['nixos', 'prod', 'readonly']);
  assert.equal(doc1.pool, 'fleet');
  assert.equal(snap.guests.find((g) => g.vmid === 9003)?.template, true);
  assert.ok(snap.guests.some((g) => g.type === 'lxc'));
  assert.ok(snap.storages.some((st) => st.storage === 'nvmeprom' && st.node === 'prom'));
  assert.deepEqual([...snap.pools].sort(), ['fleet', 'talos']);
});

test('a GET is retried after an injected 500 and after a connection reset', async () => {
  s.injectFault('/nodes', { status: 500, times: 1 });
  let before = countRequests('/nodes');
  assert.equal((await client.nodes()).length, 3);
  assert.equal(countRequests('/nodes') - before, 2);
  s.injectFault('/nodes', { reset: true, times: 2 });
  before = s.requests.filter((r) => r.path === '/nodes').length;
  assert.equal((await client.nodes()).length, 3);
  assert.equal(s.requests.filter((r) => r.path === '/nodes').length - before, 3);
});

test('a GET gives up after the configured attempts', async () => {
  s.injectFault('/cluster/nextid', { status: 500, message: 'boom' });
  try {
    const before = countRequests('/cluster/nextid');
    await assert.rejects(client.nextId(), ApiError);
    assert.equal(countRequests('/cluster/nextid') - before, 3);
  } finally {
    s.clearFaults();
  }
});

test('POST, PUT and DELETE are never retried', async () => {
  s.injectFault('/nodes/prom/qemu/111/status/start', { status: 500, times: 1 });
  await assert.rejects(client.power(VM(111), 'start'), ApiError);
  assert.equal(countRequests('/nodes/prom/qemu/111/status/start', 'POST'), 1);
  s.injectFault('/nodes/prom/qemu/111/config', { method: 'PUT', reset: true, times: 1 });
  await assert.rejects(client.updateConfig(VM(111), { description: 'x' }), ConnectionError);
  assert.equal(countRequests('/nodes/prom/qemu/111/config', 'PUT'), 1);
  s.injectFault('/nodes/prom/qemu/111/snapshot/none', { method: 'DELETE', status: 500, times: 1 });
  await assert.rejects(client.deleteSnapshot(VM(111), 'none'), ApiError);
  assert.equal(countRequests('/nodes/prom/qemu/111/snapshot/none', 'DELETE'), 1);
});

test('waitForTask: success with progress reports, and the guest changed', async () => {
  const seen: TaskStatus[] = [];
  // The task runs until the client has reported it running, however slowly this machine polls.
  s.state.taskDurationMs = 60_000;
  let upid: string;
  try {
    upid = await client.power(VM(151, 'pve3'), 'stop');
  } finally {
    s.state.taskDurationMs = 150;
  }
  const result = await client.waitForTask(upid, {
    onProgress: (st) => {
      seen.push(st);
      if (st.status === 'running') s.state.finishTask(upid);
    },
  });
  assert.deepEqual({ ok: result.ok, exitstatus: result.exitstatus }, { ok: true, exitstatus: 'OK' });
  assert.ok(seen.length >= 2, 'polled more than once');
  assert.equal(seen[0].status, 'running');
  assert.equal(seen.at(-1)!.status, 'stopped');
  assert.equal(seen[0].type, 'qmstop');
  const g = (await client.clusterResources()).guests.find((x) => x.vmid === 151)!;
  assert.equal(g.status, 'stopped');
});

test('waitForTask: a failing task returns its error exit status and the log tail', async () => {
  const upid = await client.power(VM(104), 'start'); // already running
  const result = await client.waitForTask(upid);
  assert.equal(result.ok, false);
  assert.equal(result.exitstatus, 'VM 104 already running');
  assert.deepEqual(result.log, ['starting VM 104', 'TASK ERROR: VM 104 already running']);
});

test('waitForTask: WARNINGS count as success', async () => {
  s.state.injectTaskFailure({ type: 'qmshutdown', exitstatus: 'WARNINGS: 2' });
  const result = await client.waitForTask(await client.power(VM(105), 'shutdown'));
  assert.deepEqual({ ok: result.ok, exitstatus: result.exitstatus }, { ok: true, exitstatus: 'WARNINGS: 2' });
});

test('waitForTask: cancellation stops polling', async () => {
  // A task far longer than any stall of a loaded machine, so that only the cancel can end the wait.
  s.state.taskDurationMs = 60_000;
  try {
    const upid = await client.power(VM(105), 'start');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await assert.rejects(client.waitForTask(upid, { signal: ac.signal }), CancelledError);
    assert.ok(Date.now() - t0 < 10_000, 'the wait ends at the cancel, not with the task');
    await assert.rejects(client.waitForTask(upid, { timeoutMs: 150 }), TimeoutError);
  } finally {
    s.state.taskDurationMs = 150;
  }
});

test('taskLog pages and taskLogTail reads the end of a long log', async () => {
  const task = s.state.startTask({ node: 'prom', type: 'qmimport', id: '104', user: 'root@pam', tokenid: s.tokens.admin.id, durationMs: 0, log: Array.from({ length: 120 }, (_, i) => `line ${i + 1}`) });
  assert.deepEqual(await client.taskLog('prom', task.upid, { start: 0, limit: 2 }), ['line 1', 'line 2']);
  const tail = await client.taskLogTail('prom', task.upid, 5);
  assert.deepEqual(tail, ['line 117', 'line 118', 'line 119', 'line 120', 'TASK OK']);
});

test('booleans go over the wire as 0/1, and spaces are percent-encoded', async () => {
  assert.equal(encodeForm({ full: true, vmstate: false, name: 'a b', skip: undefined }), 'full=1&vmstate=0&name=a%20b');
  const upid = await client.createSnapshot(VM(109), 'before_update', { description: 'before the update', vmstate: true });
  const logged = s.requests.find((r) => r.method === 'POST' && r.path === '/nodes/prom/qemu/109/snapshot')!;
  assert.equal(logged.params.vmstate, '1');
  assert.equal(logged.params.description, 'before the update');
  assert.equal(logged.status, 200);
  await client.waitForTask(upid);
  const snaps = await client.snapshots(VM(109));
  assert.deepEqual(snaps.map((x) => x.name), ['before_update'], 'the current pseudo-entry is dropped');
  assert.equal(snaps[0].vmstate, true);
});

test('ticket auth: login, CSRF token on writes, renewal of an expired ticket', async () => {
  const pw = new PveClient({ url: s.url, user: s.users.root.user, auth: 'password', fingerprint: s.fingerprint }, s.users.root.password, { taskPoll: { initialMs: 30 } });
  assert.equal((await pw.version()).release, '9.1');
  const upid = await pw.power(CT(131, 'father'), 'start');
  assert.equal((await pw.waitForTask(upid)).ok, true);
  const write = s.requests.find((r) => r.method === 'POST' && r.path === '/nodes/father/lxc/131/status/start')!;
  assert.equal(write.auth, 'ticket');
  assert.equal(write.status, 200);
  const logins = (): number => s.requests.filter((r) => r.path === '/access/ticket').length;
  const before = logins();
  s.expireTickets();
  assert.equal((await pw.nodes()).length, 3);
  assert.equal(logins() - before, 1, 'one new login after the ticket expired');
});

test('ticket auth with a wrong password → AuthenticationError', async () => {
  const pw = new PveClient({ url: s.url, user: 'root@pam', auth: 'password', fingerprint: s.fingerprint }, 'wrong');
  await assert.rejects(pw.version(), (err: Error) => err.name === 'AuthenticationError' && /authentication failure/.test(err.message));
});

test('pinned sockets share one TLS context and carry a CA list, so VS Code\'s tls.connect patch loads no certificates per socket', async () => {
  // VS Code's extension host replaces tls.connect: for options without `ca` it adds every system certificate
  // to a new secure context, ~100 ms of blocked event loop per socket (bench/explorer-vscode/profile.mjs).
  const tls = createRequire(__filename)('node:tls') as typeof tlsTypes;
  const original = tls.connect;
  const seen: { ca: boolean; context: unknown }[] = [];
  tls.connect = ((...args: unknown[]) => {
    const o = args.find((a) => a && typeof a === 'object') as tlsTypes.ConnectionOptions | undefined;
    seen.push({ ca: Boolean(o?.ca), context: o?.secureContext });
    return (original as (...a: unknown[]) => tlsTypes.TLSSocket)(...args);
  });
  syncBuiltinESMExports();
  const fresh = await sim();
  try {
    const c = clientFor(fresh);
    // Two at once open two sockets.
    await Promise.all([c.version(), c.version()]);
    assert.ok(seen.length >= 2, `two sockets were opened (saw ${seen.length})`);
    assert.ok(seen.every((x) => x.ca), 'every pinned socket names a CA list (the patch leaves it alone)');
    assert.ok(seen[0].context && seen.every((x) => x.context === seen[0].context), 'every socket of the agent reuses one secure context');
  } finally {
    tls.connect = original;
    syncBuiltinESMExports();
    await fresh.stop();
  }
});

test('verified sockets: the first goes through VS Code\'s tls.connect patch, later ones reuse its context and still verify', async () => {
  // A stand-in for VS Code's patch: without `ca`, it adds "the system's certificates" (here the simulator's CA,
  // which Node's default roots lack) to the socket's context — the ~100 ms step to do once, not per socket.
  const tls = createRequire(__filename)('node:tls') as typeof tlsTypes;
  const original = tls.connect;
  let patched = 0;
  let bypassed = 0;
  tls.connect = ((...args: unknown[]) => {
    const o = args.find((a) => a && typeof a === 'object') as tlsTypes.ConnectionOptions;
    if (o.ca) bypassed++;
    else {
      patched++;
      o.secureContext ??= tls.createSecureContext(o);
      // Node's native context, as VS Code's patch uses it.
      const native: { addCACert(pem: string): void } = o.secureContext.context as { addCACert(pem: string): void };
      native.addCACert(s.certificate);
    }
    return (original as (...a: unknown[]) => tlsTypes.TLSSocket)(...args);
  });
  syncBuiltinESMExports();
  try {
    const c = new PveClient({ url: s.url, user: s.tokens.admin.id, auth: 'token' }, s.tokens.admin.secret);
    assert.equal((await c.version()).version, '9.1.4', 'verified through the certificate the patch added');
    await Promise.all([c.version(), c.version(), c.version()]);
    assert.equal(patched, 1, 'only the first socket paid for the patch');
    assert.ok(bypassed >= 1, `later sockets reused the verified context (${bypassed})`);
    // The reused context verifies for real: a client whose first socket was refused caches nothing.
    const fresh = new PveClient({ url: s.url, user: s.tokens.admin.id, auth: 'token' }, s.tokens.admin.secret);
    tls.connect = original;
    syncBuiltinESMExports();
    await assert.rejects(fresh.version(), /certificate/i);
  } finally {
    tls.connect = original;
    syncBuiltinESMExports();
  }
});

test('idle keep-alive connections are dropped after 2 s, before a server closes them under a write', async () => {
  // A POST sent on a socket the server is closing fails with a reset and must not be retried, so the
  // client must never hold idle connections as long as servers do (Node: 5 s).
  const fresh = await sim();
  try {
    const c = clientFor(fresh);
    await c.version();
    await c.version();
    assert.equal(fresh.connections, 1, 'back-to-back requests share a connection');
    await new Promise((r) => setTimeout(r, 2300));
    await c.version();
    assert.equal(fresh.connections, 2, 'after 2.3 s idle a new connection is opened');
  } finally {
    await fresh.stop();
  }
});

test('a malformed token id or a non-https URL is refused before any request', () => {
  assert.throws(() => new PveClient({ url: s.url, user: 'root@pam', auth: 'token' }, 'x'), /must look like user@realm!tokenid/);
  assert.throws(() => new PveClient({ url: 'http://pve:8006', user: 'root@pam!a', auth: 'token' }, 'x'), /must start with https:\/\//);
  assert.throws(() => new PveClient({ url: s.url, user: 'root@pam!a', auth: 'token', fingerprint: 'nope' }, 'x'), /not a SHA-256 fingerprint/);
});
