/**
 * Each typed error, provoked against the simulator the way a user would meet it, with the message they
 * would read. Also: no secret in any thrown object.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PveClient } from '../../../src/core/pve/client';
import { throwIfFailed } from '../../../src/core/pve/taskWait';
import {
  AgentNotConfiguredError,
  AgentNotRunningError,
  AgentTimeoutError,
  AuthenticationError,
  CancelledError,
  CertificateChangedError,
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
  TaskFailedError,
  TimeoutError,
  UntrustedCertificateError,
} from '../../../src/core/pve/errors';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, everyView, sim, VM } from './helpers';

let s: RunningSimulator;
let client: PveClient;
const thrown: unknown[] = [];

before(async () => {
  s = await sim();
  client = clientFor(s);
});
after(async () => {
  await s.stop();
});

async function expectError<T extends PveError>(p: Promise<unknown>, cls: new (...a: never[]) => T): Promise<T> {
  try {
    await p;
  } catch (err) {
    thrown.push(err);
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${(err as Error).name}: ${(err as Error).message}`);
    return err;
  }
  assert.fail(`expected ${cls.name}, but the call succeeded`);
}

test('a wrong token secret → AuthenticationError after the server\'s delay, telling the user to re-enter the token', async () => {
  const bad = new PveClient({ url: s.url, user: s.tokens.admin.id, auth: 'token', fingerprint: s.fingerprint }, 'not-the-secret');
  const t0 = Date.now();
  const err = await expectError(bad.version(), AuthenticationError);
  assert.ok(Date.now() - t0 >= 15, '401 is delayed like the real server');
  assert.equal(err.status, 401);
  assert.match(err.message, /Authentication failed!/);
  assert.match(err.message, /Re-enter the API token/);
  assert.equal(s.requests.at(-1)?.status, 401);
});

test('an unknown token id → AuthenticationError, and the 401 is not retried', async () => {
  const before = s.requests.length;
  const bad = new PveClient({ url: s.url, user: 'nobody@pve!x', auth: 'token', fingerprint: s.fingerprint }, 'x', { retry: { baseDelayMs: 1 } });
  await expectError(bad.clusterResources(), AuthenticationError);
  assert.equal(s.requests.length - before, 1);
});

test('403 → PermissionError naming the path, the privilege and the pveum fix', async () => {
  const limited = clientFor(s, 'limited');
  const err = await expectError(limited.power(VM(151, 'pve3'), 'start'), PermissionError);
  assert.equal(err.path, '/vms/151');
  assert.deepEqual(err.privileges, ['VM.PowerMgmt']);
  assert.match(err.message, /lacks VM\.PowerMgmt on \/vms\/151/);
  assert.match(err.message, /pveum acl modify \/vms\/151 -token 'dev@pve!fleet' -role PVEVMUser/);
});

test('403 for an any-of check lists every privilege that would do', async () => {
  const auditorless = clientFor(s, 'limited');
  const err = await expectError(auditorless.agentOsInfo(VM(150, 'pve3')), PermissionError);
  assert.deepEqual(err.privileges, ['VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted']);
  assert.match(err.message, /VM\.GuestAgent\.Audit or VM\.GuestAgent\.Unrestricted/);
});

test('a guest locked by a running clone → GuestLockedError (clone)', async () => {
  const upid = await client.clone(VM(111), { newid: 811, name: 'sandbox-copy' });
  const err = await expectError(client.power(VM(111), 'start'), GuestLockedError);
  assert.equal(err.lock, 'clone');
  assert.match(err.message, /locked \(clone\)/);
  assert.equal((await client.waitForTask(upid)).exitstatus, 'OK');
  assert.equal(s.state.guests.get(111)?.lock, undefined, 'the lock is released when the task ends');
});

test('"can\'t lock file … got timeout" → LockTimeoutError', async () => {
  s.injectFault('/nodes/prom/qemu/104/config', { method: 'PUT', status: 500, message: "can't lock file '/var/lock/qemu-server/lock-104.conf' - got timeout", times: 1 });
  const err = await expectError(client.updateConfig(VM(104), { description: 'x' }), LockTimeoutError);
  assert.match(err.message, /could not lock the guest configuration/);
});

test('agent errors in qemu-server\'s order: not configured, VM not running, agent not running, timeout', async () => {
  await expectError(client.agentPing(VM(9002)), AgentNotConfiguredError);
  const stopped = await expectError(client.agentNetworkInterfaces(VM(111)), GuestNotRunningError);
  assert.equal(stopped.vmid, 111);
  assert.equal(stopped.serverMessage, 'VM 111 is not running');
  await expectError(client.agentOsInfo(VM(110)), AgentNotRunningError);
  const timeout = await expectError(client.agentNetworkInterfaces(VM(112)), AgentTimeoutError);
  assert.equal(timeout.command, 'guest-network-get-interfaces');
  assert.equal(timeout.serverMessage, "VM 112 qga command 'guest-network-get-interfaces' failed - got timeout");
});

test('a guest that is not on that node → GuestNotFoundError', async () => {
  const err = await expectError(client.config(VM(104, 'father')), GuestNotFoundError);
  assert.match(err.message, /qemu-server\/104\.conf' does not exist/);
});

test('595 from the proxying node → NodeUnreachableError (after the GET retries)', async () => {
  s.injectFault('/nodes/pve3/*', { status: 595, message: 'No route to host' });
  try {
    const err = await expectError(client.guests('pve3', 'qemu'), NodeUnreachableError);
    assert.match(err.message, /No route to host/);
  } finally {
    s.clearFaults();
  }
});

test('no answer in time → TimeoutError', async () => {
  const slow = clientFor(s, 'admin', { retry: { attempts: 1 } }, { timeoutMs: 80 });
  s.injectFault('/version', { latencyMs: 400, times: 1 });
  const err = await expectError(slow.version(), TimeoutError);
  assert.match(err.message, /did not answer within 0\.1 s/);
});

test('connection reset and refused → ConnectionError', async () => {
  s.injectFault('/nodes/prom/qemu/111/status/start', { reset: true, times: 1 });
  const reset = await expectError(client.power(VM(111), 'start'), ConnectionError);
  assert.match(reset.message, /connection reset/);
  const refused = new PveClient({ url: 'https://127.0.0.1:1', user: 'a@pam!b', auth: 'token', fingerprint: s.fingerprint }, 'secret-x', { retry: { attempts: 1 } });
  const err = await expectError(refused.version(), ConnectionError);
  assert.equal(err.code, 'ECONNREFUSED');
});

test('an HTML page instead of JSON → InvalidResponseError', async () => {
  s.injectFault('/cluster/resources', { body: '<html><body>Proxy login</body></html>', times: 1 });
  const err = await expectError(client.clusterResources(), InvalidResponseError);
  assert.match(err.message, /text\/html instead of JSON/);
});

test('400 → ParameterError with the server\'s errors map', async () => {
  const err = await expectError(client.clone(VM(9003), { newid: 42, name: 'bad name!' }), ParameterError);
  assert.equal(err.errors.newid, 'value must have a minimum value of 100');
  assert.match(err.errors.name ?? '', /invalid format/);
  assert.match(err.message, /newid: value must have a minimum value of 100/);
});

test('a failed task → TaskFailedError with the exit status and log tail', async () => {
  s.state.injectTaskFailure({ type: 'qmclone', exitstatus: 'VM is locked (clone)' });
  const upid = await client.clone(VM(9003), { newid: 812, name: 'will-fail' });
  const result = await client.waitForTask(upid);
  assert.equal(result.ok, false);
  const err = await expectError(Promise.resolve().then(() => throwIfFailed(result)), TaskFailedError);
  assert.equal(err.exitstatus, 'VM is locked (clone)');
  assert.equal(err.log.at(-1), 'TASK ERROR: VM is locked (clone)');
  assert.ok(!s.state.guests.has(812), 'a failed clone leaves no guest behind');
});

test('a pinned fingerprint that does not match → CertificateChangedError showing old and new', async () => {
  const wrong = 'AA:'.repeat(31) + 'AA';
  const c = clientFor(s, 'admin', {}, { fingerprint: wrong });
  const before = s.requests.length;
  const err = await expectError(c.version(), CertificateChangedError);
  assert.equal(err.expected, wrong);
  assert.equal(err.actual, s.fingerprint);
  assert.match(err.message, new RegExp(`trusted fingerprint ${wrong}, now ${s.fingerprint}`));
  assert.equal(s.requests.length, before, 'no request (and no token) reached the server');
});

test('no fingerprint and a self-signed certificate → UntrustedCertificateError', async () => {
  const c = new PveClient({ url: s.url, user: s.tokens.admin.id, auth: 'token' }, s.tokens.admin.secret, { retry: { attempts: 1 } });
  const err = await expectError(c.version(), UntrustedCertificateError);
  assert.equal(err.reason, 'DEPTH_ZERO_SELF_SIGNED_CERT');
});

test('an aborted call → CancelledError', async () => {
  s.injectFault('/nodes', { latencyMs: 300, times: 1 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 30);
  await expectError(client.nodes({ signal: ac.signal }), CancelledError);
});

test('no thrown error, nor the client itself, reveals the token secret', async () => {
  const { inspect } = await import('node:util');
  assert.ok(thrown.length >= 15);
  for (const err of thrown) {
    const views = everyView(err);
    for (const secret of [s.tokens.admin.secret, s.tokens.limited.secret]) assert.ok(!views.includes(secret), `${(err as Error).name} leaks the secret`);
  }
  assert.ok(!inspect(client, { showHidden: true, depth: 5 }).includes(s.tokens.admin.secret));
  assert.ok(!JSON.stringify(client).includes(s.tokens.admin.secret));
});
