/**
 * Answers a broken or hostile server may send, through the client's real entry points with a canned transport
 * (an ASCII answer given as bytes too, as the HTTPS transport gives it):
 * each ends in a typed PveError or in data that is right, never a TypeError, a SyntaxError or the wrong lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PveClient } from '../../../src/core/pve/client';
import { AgentCommandError, AgentNotConfiguredError, InvalidPathSegmentError, InvalidResponseError, ParameterError } from '../../../src/core/pve/errors';
import { asciiResponse, errorFromResponse, type WireRequest, type WireResponse } from '../../../src/core/pve/http';
import { sshArgv } from '../../../src/core/explorer';

const UPID = 'UPID:pve1:0000ABCD:00001234:65000000:qmstart:100:root@pam:';

function client(answer: (req: WireRequest) => unknown): PveClient {
  return new PveClient({ url: 'https://127.0.0.1:8006', user: 'root@pam!t', auth: 'token' }, 'secret', {
    retry: { attempts: 1, baseDelayMs: 1 },
    transport: (req): Promise<WireResponse> => {
      const a = answer(req);
      const body = typeof a === 'string' ? a : JSON.stringify(a);
      const headers = { 'content-type': 'application/json' };
      // As the HTTPS transport answers: an ASCII body also as its bytes, which /cluster/resources reads.
      return Promise.resolve(Buffer.from(body).length === body.length ? asciiResponse(200, 'OK', headers, Buffer.from(body, 'latin1')) : { status: 200, statusText: 'OK', headers, body });
    },
  });
}

test('a null or number entry in a list answer is left out, not a TypeError; so is a snapshot listed twice or named with "/"', async () => {
  const c = client((req) => {
    const p = req.url.pathname;
    if (p.endsWith('/nodes')) return { data: [null, { node: 'pve1', status: 'online' }, 7] };
    if (p.endsWith('/storage')) return { data: [null, { storage: 'local', type: 'dir' }] };
    if (p.endsWith('/network')) return { data: [null, { iface: 'vmbr0', type: 'bridge', active: 1 }] };
    if (p.endsWith('/snapshot')) return { data: [null, { name: 'before-upgrade' }, { name: 'current' }, { name: 'before-upgrade' }, { name: 'x/+more' }] };
    if (p.endsWith('/log')) return { data: [null, { n: 1, t: 'TASK OK' }] };
    throw new Error(p);
  });
  assert.deepEqual((await c.nodes()).map((n) => n.node), ['pve1']);
  assert.deepEqual((await c.storages('pve1')).map((s) => s.storage), ['local']);
  assert.deepEqual((await c.bridges('pve1')).map((b) => b.iface), ['vmbr0']);
  assert.deepEqual((await c.snapshots({ node: 'pve1', type: 'qemu', vmid: 100 })).map((s) => s.name), ['before-upgrade']);
  assert.deepEqual(await c.taskLog('pve1', UPID), ['TASK OK']);
});

test('a raw control character in a node or storage row of /cluster/resources is malformed JSON, reported as such', async () => {
  for (const row of ['{"type":"node","node":"a\nb","status":"online"}', '{"type":"storage","storage":"s\tx","node":"n"}']) {
    const c = client(() => `{"data":[{"type":"qemu","vmid":100,"node":"n"},${row}]}`);
    await assert.rejects(c.clusterResources(), (e: unknown) => e instanceof InvalidResponseError && /malformed JSON/.test(e.message));
  }
});

test('a guest listed twice (two nodes, or qemu and lxc with one VMID) and a node listed twice become one row each', async () => {
  const rows = [
    { type: 'node', node: 'a', status: 'online' },
    { type: 'node', node: 'a', status: 'offline' },
    { type: 'qemu', vmid: 100, node: 'a', name: 'first' },
    { type: 'qemu', vmid: 101, node: 'a', name: 'x' },
    { type: 'qemu', vmid: 100, node: 'b', name: 'again' },
    { type: 'lxc', vmid: 101, node: 'b', name: 'y' },
  ];
  // Flat rows go through the sliced reader; a nested value sends the answer through JSON.parse instead.
  for (const extra of [{}, { tags: ['nested'] }]) {
    const snapshot = await client(() => ({ data: rows.map((r) => ({ ...r, ...extra })) })).clusterResources();
    assert.deepEqual(snapshot.guests.map((g) => `${g.id} ${g.name}`), ['qemu/100 first', 'qemu/101 x']);
    assert.deepEqual(snapshot.nodes.map((n) => `${n.node} ${n.status}`), ['a online']);
  }
});

test('VMIDs and nextid outside PVE\'s range or not decimal are refused, and no request goes to /qemu/NaN', async () => {
  for (const vmid of ['" "', '"0x64"', '-1', '1e21', '12345678901234567890', '99']) {
    const c = client(() => `{"data":[{"type":"qemu","vmid":${vmid},"node":"n"}]}`);
    await assert.rejects(c.clusterResources(), InvalidResponseError, vmid);
  }
  for (const next of [' ', '0x10', -5, 1e300, 12.5]) await assert.rejects(client(() => ({ data: next })).nextId(), InvalidResponseError, String(next));
  assert.equal(await client(() => ({ data: '4711' })).nextId(), 4711);
  const sent: string[] = [];
  const c = client((req) => (sent.push(req.url.pathname), { data: {} }));
  for (const vmid of [NaN, -1, 1.5]) {
    await assert.rejects(c.config({ node: 'n', type: 'qemu', vmid }), (e: unknown) => e instanceof InvalidPathSegmentError && /is not a VMID/.test(e.message));
  }
  assert.deepEqual(sent, []);
});

test("an agent's error one level up is the agent's error; a ping without a result is not a success", async () => {
  const vm = { node: 'n', type: 'qemu' as const, vmid: 100 };
  const missing = { data: { error: { class: 'CommandNotFound', desc: 'The command guest-network-get-interfaces has not been found' } } };
  await assert.rejects(client(() => missing).agentNetworkInterfaces(vm), (e: unknown) => e instanceof AgentCommandError && /does not support 'network-get-interfaces'/.test(e.message));
  await assert.rejects(client(() => ({ data: { error: { desc: 'x' } } })).agentPing(vm), AgentCommandError);
  await assert.rejects(client(() => ({ data: {} })).agentPing(vm), (e: unknown) => e instanceof InvalidResponseError && /has no result/.test(e.message));
  await client(() => ({ data: { result: {} } })).agentPing(vm);
  await assert.rejects(client(() => ({ data: { result: {} } })).agentPing({ ...vm, type: 'lxc' }), (e: unknown) => e instanceof AgentNotConfiguredError && /container \(LXC\) has no QEMU guest agent/.test(e.message));
});

test("a task log's end is its end when the answer has no usable total", async () => {
  const log = Array.from({ length: 1234 }, (_, i) => ({ n: i + 1, t: i === 1233 ? 'TASK ERROR: disk full' : `line ${i + 1}` }));
  const serve = (total: (n: number) => unknown) =>
    client((req) => {
      const start = Number(req.url.searchParams.get('start') ?? 0);
      const limit = Number(req.url.searchParams.get('limit') ?? 50);
      return { data: log.slice(start, start + limit), total: total(log.length) };
    });
  const want = ['line 1232', 'line 1233', 'TASK ERROR: disk full'];
  assert.deepEqual(await serve((n) => n).taskLogTail('n', UPID, 3), want);
  assert.deepEqual(await serve(() => undefined).taskLogTail('n', UPID, 3), want);
  assert.deepEqual(await serve((n) => String(n)).taskLogTail('n', UPID, 3), want);
  assert.deepEqual(await serve(() => 1e9).taskLogTail('n', UPID, 3), want);
  assert.deepEqual(await serve(() => 10.5).taskLogTail('n', UPID, 3), want);
});

test('a write whose task ID is no UPID is refused before it is logged or followed', async () => {
  const vm = { node: 'n', type: 'qemu' as const, vmid: 100 };
  assert.equal(await client(() => ({ data: UPID })).power(vm, 'start'), UPID);
  for (const bad of ['UPID:$(reboot);/../x', `UPID:pve1:0000ABCD:00001234:65000000:qmstart:100:root@pam:\nforged log line`]) {
    await assert.rejects(client(() => ({ data: bad })).power(vm, 'start'), (e: unknown) => e instanceof InvalidResponseError && !e.message.includes('\n'));
  }
});

test('ssh targets are host names or IP addresses only: a node named user@host or a URI is refused', () => {
  assert.deepEqual(sshArgv({ user: 'root', host: 'pve-1' }), ['--', 'root@pve-1']);
  assert.deepEqual(sshArgv({ host: 'fe80::1' }), ['--', 'fe80::1']);
  assert.deepEqual(sshArgv({ host: 'pve1.example.org' }), ['--', 'pve1.example.org']);
  // What a connection URL may hold and worked before: an underscore, a trailing dot, an IPv6 zone.
  for (const host of ['pve_1.lan', 'pve.lan.', 'fe80::1%eth0']) assert.deepEqual(sshArgv({ host }), ['--', host]);
  for (const host of ['evil@attacker.example', 'ssh://evil:2222', 'a/b', '-oProxyCommand=x', 'a b', '']) {
    assert.throws(() => sshArgv({ user: 'root', host }), /not a valid SSH host/, host);
  }
});

test('a 400 whose errors are a list or hold objects reads as text, never "[object Object]"', () => {
  const answer = (errors: unknown): WireResponse => ({ status: 400, statusText: 'Parameter verification failed.', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: null, errors, message: 'Parameter verification failed.\n' }) });
  const listed = errorFromResponse(answer(['a', { b: 1 }]), 'POST /nodes/n/qemu', undefined);
  assert.doesNotMatch(listed.message, /object Object|0: a/);
  assert.match(listed.message, /Parameter verification failed/);
  const mapped = errorFromResponse(answer({ vmid: null, name: { x: 1 } }), 'POST /nodes/n/qemu', undefined);
  assert.ok(mapped instanceof ParameterError);
  assert.match(mapped.message, /name: \{"x":1\}/);
  assert.match(mapped.message, /vmid: rejected/);
  assert.doesNotMatch(mapped.message, /object Object|null/);
});
