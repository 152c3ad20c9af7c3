/**
 * The simulator's answers against the official schema's `returns` (converted to JSON Schema, checked with
 * ajv), and against the real samples for the same situations.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PveClient } from '../../../src/core/pve/client';
import type { RunningSimulator } from '../../../src/sim/index';
import { assertMatchesReturns, returnsValidator } from '../../support/pveReturns';
import { clientFor, sim } from '../pve/helpers';

type Json = Record<string, unknown>;

const samples = join(__dirname, '../../fixtures/pve-samples');
const sample = (name: string): unknown => (JSON.parse(readFileSync(join(samples, `${name}.json`), 'utf8')) as { data: unknown }).data;

let s: RunningSimulator;
let client: PveClient;

before(async () => {
  s = await sim({ taskDurationMs: 0 });
  client = clientFor(s);
});
after(async () => {
  await s.stop();
});

async function fetchData(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: Record<string, string | number | boolean>): Promise<{ data: unknown; route: string }> {
  const { data } = await client.request(method, path, params);
  const logged = s.requests.at(-1)!;
  assert.equal(logged.status, 200, `${method} ${path}`);
  return { data, route: logged.route! };
}

test('every simulated answer validates against the schema\'s returns', async () => {
  const upid = (await fetchData('POST', '/nodes/prom/qemu/109/status/reboot')).data as string;
  const calls: [('GET' | 'POST' | 'PUT' | 'DELETE'), string, Record<string, string | number | boolean>?][] = [
    ['GET', '/version'],
    ['GET', '/cluster/resources'],
    ['GET', '/cluster/resources', { type: 'vm' }],
    ['GET', '/nodes'],
    ['GET', '/nodes/prom/qemu'],
    ['GET', '/nodes/prom/lxc'],
    ['GET', '/nodes/prom/qemu/104/status/current'],
    ['GET', '/nodes/prom/lxc/120/status/current'],
    ['GET', '/nodes/prom/qemu/104/config'],
    ['GET', '/nodes/prom/lxc/120/config'],
    ['GET', '/nodes/prom/qemu/104/snapshot'],
    ['GET', '/nodes/prom/storage'],
    ['GET', '/nodes/prom/network'],
    ['GET', '/nodes/prom/network', { type: 'any_bridge' }],
    ['GET', '/nodes/prom/tasks'],
    ['GET', '/cluster/tasks'],
    ['GET', `/nodes/prom/tasks/${encodeURIComponent(upid)}/status`],
    ['GET', `/nodes/prom/tasks/${encodeURIComponent(upid)}/log`],
    ['POST', '/nodes/prom/qemu/109/agent/ping'],
    ['GET', '/nodes/prom/qemu/109/agent/network-get-interfaces'],
    ['GET', '/nodes/prom/qemu/109/agent/get-osinfo'],
    ['GET', '/nodes/prom/qemu/109/agent/get-host-name'],
    // Windows, a container host with many NICs, an old agent answering 200 with result.error.
    ['GET', '/nodes/pve3/qemu/152/agent/get-osinfo'],
    ['GET', '/nodes/pve3/qemu/152/agent/network-get-interfaces'],
    ['GET', '/nodes/pve3/qemu/153/agent/network-get-interfaces'],
    ['GET', '/nodes/pve3/qemu/154/agent/get-osinfo'],
    ['POST', '/nodes/prom/qemu/104/snapshot', { snapname: 'schema1' }],
    ['POST', '/nodes/prom/qemu/9003/clone', { newid: 990 }],
    ['PUT', '/nodes/prom/qemu/105/config', { description: 'x' }],
    ['POST', '/nodes/prom/qemu/105/config', { description: 'y' }],
    ['POST', '/nodes/prom/qemu/104/termproxy'],
    ['POST', '/nodes/prom/qemu/104/vncproxy', { websocket: 1 }],
    ['POST', '/nodes/father/lxc/131/template'],
    ['GET', '/pools'],
  ];
  for (const [method, path, params] of calls) {
    const { data, route } = await fetchData(method, path, params);
    assertMatchesReturns(method, route, data);
  }
});

test('the one documented deviation: nextid is a string, as real servers send it (samples/cluster-nextid.json)', async () => {
  const { data, route } = await fetchData('GET', '/cluster/nextid');
  assert.equal(typeof data, typeof sample('cluster-nextid'));
  assert.equal(typeof data, 'string');
  const validate = returnsValidator('GET', route);
  assert.equal(validate(data), false, 'the schema says integer; if this starts passing, the quirk was dropped');
});

test('version answers with the sample\'s keys', async () => {
  const { data } = await fetchData('GET', '/version');
  assert.deepEqual(Object.keys(data as Json).sort(), Object.keys(sample('version-pve9') as Json).sort());
});

test('agent ping answers exactly like the sample', async () => {
  const { data } = await fetchData('POST', '/nodes/prom/qemu/104/agent/ping');
  assert.deepEqual(data, sample('agent-ping'));
});

test('agent interfaces carry the sample\'s keys; the many-NIC host has interfaces without MAC or address', async () => {
  const sampleKeys = new Set((sample('agent-network-get-interfaces') as { result: Json[] }).result.flatMap((i) => Object.keys(i)));
  const { data } = await fetchData('GET', '/nodes/pve3/qemu/153/agent/network-get-interfaces');
  const ifs = (data as { result: Json[] }).result;
  for (const i of ifs) for (const k of Object.keys(i)) assert.ok(sampleKeys.has(k), `unexpected key ${k}`);
  assert.ok(ifs.some((i) => !('hardware-address' in i)), 'an interface without a MAC');
  assert.ok(ifs.some((i) => !('ip-addresses' in i)), 'an interface without addresses');
  assert.ok(ifs.length >= 8);
});

test('task status and log carry the sample\'s fields', async () => {
  const upid = (await fetchData('POST', '/nodes/prom/qemu/104/status/reboot')).data as string;
  const { data } = await fetchData('GET', `/nodes/prom/tasks/${encodeURIComponent(upid)}/status`);
  for (const k of Object.keys(sample('task-status-stopped-ok') as Json)) assert.ok(k in (data as Json), `status lacks ${k}`);
  const { data: log } = await client.request('GET', `/nodes/prom/tasks/${encodeURIComponent(upid)}/log`);
  const first = (log as Json[])[0];
  assert.deepEqual(Object.keys(first).sort(), ['n', 't']);
});

test('guest rows of /cluster/resources use the real server\'s fields, in varying key order', async () => {
  const { data } = await fetchData('GET', '/cluster/resources', { type: 'vm' });
  const real = (sample('cluster-resources') as Json[]).filter((r) => r.type === 'qemu');
  const known = new Set([...real.flatMap((r) => Object.keys(r)), 'tags', 'pool', 'lock', 'hastate']);
  const rows = data as Json[];
  for (const row of rows) for (const k of Object.keys(row)) assert.ok(known.has(k), `unexpected key ${k}`);
  const orders = new Set(rows.map((r) => Object.keys(r).filter((k) => !['tags', 'pool', 'lock', 'hastate'].includes(k)).join(',')));
  assert.ok(orders.size > 1, 'keys come in more than one order, like Perl hash order');
});

test('qemu config sends memory as a string, like PVE 9 (samples/qemu-config-cloudinit-pve9.json)', async () => {
  const { data } = await fetchData('GET', '/nodes/prom/qemu/104/config');
  assert.equal(typeof (data as Json).memory, typeof (sample('qemu-config-cloudinit-pve9') as Json).memory);
});
