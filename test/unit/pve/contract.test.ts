/**
 * The contract between the client and the official schema: every PveApi method is called against the
 * simulator, which verifies each request against the PVE 9.1 apidoc. None may get a 400 (parameter
 * verification) or 501 (no such method). And a request the real API would reject is rejected here too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PveApi } from '../../../src/core/pve/api';
import { PveClient } from '../../../src/core/pve/client';
import { ParameterError, PveError } from '../../../src/core/pve/errors';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, CT, sim, VM } from './helpers';

let s: RunningSimulator;
let client: PveClient;

before(async () => {
  s = await sim({ taskDurationMs: 0 });
  client = clientFor(s);
});
after(async () => {
  await s.stop();
});

/** One or more calls per method; `Record<keyof PveApi, …>` makes the compiler insist on every method. */
const calls: Record<keyof PveApi, ((c: PveApi) => Promise<unknown>)[]> = {
  version: [(c) => c.version()],
  clusterResources: [(c) => c.clusterResources()],
  nodes: [(c) => c.nodes()],
  guests: [(c) => c.guests('prom', 'qemu'), (c) => c.guests('father', 'lxc')],
  guestStatus: [(c) => c.guestStatus(VM(104)), (c) => c.guestStatus(CT(120))],
  storages: [(c) => c.storages('prom')],
  bridges: [(c) => c.bridges('prom'), (c) => c.bridges('pve3')],
  nextId: [(c) => c.nextId()],
  power: (['start', 'shutdown', 'stop', 'reboot', 'suspend', 'resume'] as const).flatMap((a) => [(c: PveApi) => c.power(VM(150, 'pve3'), a), (c: PveApi) => c.power(CT(131, 'father'), a)]),
  clone: [
    (c) => c.clone(VM(9003), { newid: 700, name: 'nixos-clone', target: 'father', full: true, storage: 'local-zfs', pool: 'fleet', description: 'from the contract test' }),
    (c) => c.clone(CT(120), { newid: 701, name: 'monitoring-copy', full: false }),
  ],
  template: [(c) => c.template(VM(150, 'pve3')), (c) => c.template(CT(131, 'father'))],
  destroy: [(c) => c.destroy(VM(151, 'pve3')), (c) => c.destroy(CT(140, 'pve3'))],
  config: [(c) => c.config(VM(104)), (c) => c.config(CT(120))],
  updateConfigAsync: [(c) => c.updateConfigAsync(VM(105), { cores: 4, onboot: true, tags: 'home;iot', description: 'Home Assistant' })],
  updateConfig: [(c) => c.updateConfig(VM(105), { memory: '4096', agent: '1,fstrim_cloned_disks=1', protection: false }), (c) => c.updateConfig(CT(120), { memory: 2048, onboot: true })],
  resizeDisk: [(c) => c.resizeDisk(VM(105), 'scsi0', '40G'), (c) => c.resizeDisk(VM(105), 'scsi0', '+1G')],
  snapshots: [(c) => c.snapshots(VM(104)), (c) => c.snapshots(CT(120))],
  createSnapshot: [(c) => c.createSnapshot(VM(104), 'contract1', { description: 'x', vmstate: false }), (c) => c.createSnapshot(CT(120), 'contract1', { description: 'y' })],
  rollbackSnapshot: [(c) => c.rollbackSnapshot(VM(104), 'pre-upgrade')],
  deleteSnapshot: [(c) => c.deleteSnapshot(VM(104), 'pre-upgrade')],
  agentPing: [(c) => c.agentPing(VM(109))],
  agentNetworkInterfaces: [(c) => c.agentNetworkInterfaces(VM(109))],
  agentOsInfo: [(c) => c.agentOsInfo(VM(109))],
  agentHostName: [(c) => c.agentHostName(VM(109))],
  taskStatus: [(c) => c.power(VM(109), 'reboot').then((upid) => c.taskStatus('prom', upid))],
  taskLog: [(c) => c.power(VM(109), 'reboot').then((upid) => c.taskLog('prom', upid, { start: 0, limit: 10 }))],
  waitForTask: [(c) => c.power(VM(109), 'reboot').then((upid) => c.waitForTask(upid))],
};

test('every PveApi method sends requests the PVE 9.1 schema accepts', async () => {
  let total = 0;
  for (const [method, list] of Object.entries(calls)) {
    for (const call of list) {
      const from = s.requests.length;
      try {
        await call(client);
      } catch (err) {
        // Domain errors (a lock, a state conflict) are fine here; schema rejections are not.
        assert.ok(err instanceof PveError, `${method}: ${String(err)}`);
        assert.ok(!(err instanceof ParameterError), `${method}: ${err.message}`);
      }
      const sent = s.requests.slice(from);
      assert.ok(sent.length > 0, `${method} made no request`);
      for (const r of sent) {
        assert.ok(r.route, `${method}: ${r.method} ${r.path} matched no schema path`);
        assert.notEqual(r.status, 400, `${method}: ${r.method} ${r.path} failed parameter verification`);
        assert.notEqual(r.status, 501, `${method}: ${r.method} ${r.path} is not in the schema`);
        assert.notEqual(r.status, 403, `${method}: ${r.method} ${r.path} was refused for the admin token`);
        total++;
      }
    }
  }
  assert.ok(total >= 50, `only ${total} requests checked`);
});

test('a malformed request is rejected like the real API: boolean "true" as a form value → 400', async () => {
  await assert.rejects(client.request('POST', '/nodes/prom/qemu/105/status/start', { skiplock: 'true' }), (err: unknown) => {
    assert.ok(err instanceof ParameterError);
    assert.deepEqual(err.errors, { skiplock: "type check ('boolean') failed - got 'true'" });
    return true;
  });
  const logged = s.requests.at(-1)!;
  assert.equal(logged.status, 400);
});

test('unknown parameters, bad enums, bad types and missing required parameters each get their PVE text', async () => {
  const cases: [string, 'GET' | 'POST', Record<string, string | number>, Record<string, string>][] = [
    ['/cluster/resources', 'GET', { type: 'vms' }, { type: "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'" }],
    ['/cluster/resources', 'GET', { kind: 'vm' }, { kind: 'property is not defined in schema and the schema does not allow additional properties' }],
    ['/nodes/prom/qemu/abc/status/current', 'GET', {}, { vmid: "type check ('integer') failed - got 'abc'" }],
    ['/nodes/prom/qemu/104/clone', 'POST', {}, { newid: 'property is missing and it is not optional' }],
    ['/nodes/prom/qemu/104/snapshot', 'POST', { snapname: '1-starts-with-digit' }, { snapname: "invalid format - invalid configuration ID '1-starts-with-digit'" }],
    ['/nodes/bad_node!/qemu', 'GET', {}, { node: 'invalid format - value does not look like a valid node name' }],
  ];
  for (const [path, method, params, errors] of cases) {
    await assert.rejects(client.request(method, path, params), (err: unknown) => {
      assert.ok(err instanceof ParameterError, `${path}: ${String(err)}`);
      assert.deepEqual(err.errors, errors, path);
      return true;
    });
  }
});

test('a method the API does not have → 501 with PVE\'s text', async () => {
  await assert.rejects(client.request('GET', '/nodes/prom/qemu/104/foo'), (err: PveError) => err.status === 501 && /Method 'GET \/nodes\/prom\/qemu\/104\/foo' not implemented/.test(err.message));
  await assert.rejects(client.request('POST', '/version'), (err: PveError) => err.status === 501);
});
