/**
 * The boundary against real server answers (test/fixtures/pve-samples, copied from ../shared/pve-api/samples):
 * success bodies parse into the model with their quirks, error exchanges map to the right typed error in
 * both the PVE ≥ 8.4 form (with "message") and the older one (reason phrase only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorFromResponse, envelope, type WireResponse } from '../../../src/core/pve/http';
import { parseTags } from '../../../src/core/pve/fields';
import { parseBridges, parseClusterResources, parseNextId, parseNodes, parseSnapshots, parseTaskLog, parseTaskStatus } from '../../../src/core/pve/parse';
import { parseAgentInterfaces, parseAgentOsInfo } from '../../../src/core/pve/parseAgent';
import * as E from '../../../src/core/pve/errors';
import { formatUpid, parseUpid } from '../../../src/core/pve/upid';

const dir = join(__dirname, '../../fixtures/pve-samples');
const body = (name: string): unknown => (JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { data: unknown }).data;

interface Exchange {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
  body_pre_pve84?: string;
}
const exchange = (name: string): Exchange => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Exchange;

test('cluster-resources.json (4 nodes, shuffled keys, tags with +) parses into nodes, guests and storage', () => {
  const s = parseClusterResources(body('cluster-resources'));
  assert.equal(s.nodes.length, 4);
  assert.equal(s.guests.length, 4);
  assert.equal(s.storages.length, 12);
  const m = s.guests.find((g) => g.vmid === 102)!;
  assert.deepEqual(m.tags, ['go-proxmox', 'cloud-init']);
  assert.equal(m.id, 'qemu/102');
  assert.equal(s.guests.find((g) => g.vmid === 101)!.template, true);
  assert.equal(s.guests.find((g) => g.vmid === 100)!.maxmem, 1073741824);
  assert.deepEqual(s.storages.find((x) => x.id === 'storage/node1/local')!.content, ['backup', 'vztmpl', 'iso']);
});

test('the simplified type=vm sample (vmid strings, template "") still yields numbers and booleans', () => {
  const s = parseClusterResources(body('cluster-resources-type-vm-simplified'));
  assert.deepEqual(s.guests.map((g) => g.vmid), [100, 101, 102, 103, 9001]);
  assert.deepEqual(s.guests.map((g) => g.template), [false, false, false, false, true]);
  assert.equal(s.guests[0].type, 'lxc');
});

test('tags: ; + , and spaces all separate', () => {
  assert.deepEqual(parseTags('a;b+c, d'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(parseTags(''), []);
  assert.deepEqual(parseTags(undefined), []);
});

test('nextid is a JSON string on real servers', () => {
  assert.equal(parseNextId(body('cluster-nextid')), 100);
  assert.throws(() => parseNextId('abc'), E.InvalidResponseError);
});

test('nodes.json parses with the ssl fingerprints', () => {
  const nodes = parseNodes(body('nodes'));
  assert.equal(nodes.length, 4);
  assert.equal(nodes[0].sslFingerprint, '80:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69:F5');
});

test('task status, running and stopped', () => {
  const upid = 'UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:';
  const running = parseTaskStatus(body('task-status-running'), upid);
  assert.equal(running.status, 'running');
  assert.equal(running.exitstatus, undefined);
  const stopped = parseTaskStatus(body('task-status-stopped-ok'), upid);
  assert.deepEqual({ status: stopped.status, exitstatus: stopped.exitstatus, type: stopped.type, id: stopped.id }, { status: 'stopped', exitstatus: 'OK', type: 'vzdump', id: '110' });
});

test('task log lines in order', () => {
  assert.deepEqual(parseTaskLog(body('task-log')), ['client connection: 127.0.0.1:49608', 'TASK OK']);
});

test('agent samples: interfaces and OS info', () => {
  const ifs = parseAgentInterfaces(body('agent-network-get-interfaces'));
  const eth0 = ifs.find((i) => i.name === 'eth0')!;
  assert.deepEqual(eth0.addresses[0], { address: '10.1.2.3', prefix: 24, family: 'ipv4' });
  assert.equal(eth0.addresses[1].family, 'ipv6');
  const os = parseAgentOsInfo(body('agent-get-osinfo-linux'));
  assert.deepEqual(os, {
    id: 'debian',
    name: 'Debian GNU/Linux',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
    version: '12 (bookworm)',
    versionId: '12',
    kernelRelease: '6.1.0-18-amd64',
    kernelVersion: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1',
    machine: 'x86_64',
  });
});

test('snapshots: the `current` pseudo-entry is dropped', () => {
  const snaps = parseSnapshots([
    { name: 'a', snaptime: 1700000000, description: 'first', vmstate: 0 },
    { name: 'current', description: 'You are here!', parent: 'a', running: 1 },
  ]);
  assert.deepEqual(snaps, [{ name: 'a', snaptime: 1700000000, description: 'first', vmstate: false }]);
});

test('a success envelope yields data and total; non-JSON is an InvalidResponseError', () => {
  const ok: WireResponse = { status: 200, statusText: 'OK', headers: {}, body: readFileSync(join(dir, 'task-log.json'), 'utf8') };
  assert.equal(envelope(ok, 'GET /x').total, 2);
  assert.throws(() => envelope({ ...ok, body: '<html>' }, 'GET /x'), E.InvalidResponseError);
  assert.throws(() => envelope({ ...ok, body: '{"result":1}' }, 'GET /x'), E.InvalidResponseError);
});

const ERROR_SAMPLES: [string, new (...a: never[]) => E.PveError][] = [
  ['error-400-nextid-vmid-exists', E.ParameterError],
  ['error-400-parameter-verification', E.ParameterError],
  ['error-401-authentication-failed', E.AuthenticationError],
  ['error-401-no-ticket', E.AuthenticationError],
  ['error-401-ticket-bad-password', E.AuthenticationError],
  ['error-403-permission-check-failed', E.PermissionError],
  ['error-500-agent-not-configured', E.AgentNotConfiguredError],
  ['error-500-agent-not-running', E.AgentNotRunningError],
  ['error-500-agent-timeout', E.AgentTimeoutError],
  ['error-500-agent-vm-not-running', E.GuestNotRunningError],
  ['error-500-config-does-not-exist', E.GuestNotFoundError],
  ['error-500-vm-locked', E.GuestLockedError],
  ['error-501-not-implemented', E.ApiError],
];

for (const [name, cls] of ERROR_SAMPLES) {
  test(`${name} → ${cls.name}, with and without the PVE 8.4+ message`, () => {
    const x = exchange(name);
    const variants = [x.body, ...(x.body_pre_pve84 !== undefined ? [x.body_pre_pve84] : [])];
    for (const b of variants) {
      const err = errorFromResponse({ status: x.status, statusText: x.statusText, headers: {}, body: b }, 'GET /x', { user: 'u@pve!t', auth: 'token' });
      assert.ok(err instanceof cls, `${name} (${b.slice(0, 40)}): got ${err.name}`);
      assert.equal(err.status, x.status);
    }
  });
}

test('the 403 sample names path and privilege in either body form', () => {
  const x = exchange('error-403-permission-check-failed');
  for (const b of [x.body, x.body_pre_pve84!]) {
    const err = errorFromResponse({ status: 403, statusText: x.statusText, headers: {}, body: b }, 'POST /x', { user: 'u@pve!t', auth: 'token' }) as E.PermissionError;
    assert.equal(err.path, '/storage/local-lvm');
    assert.deepEqual(err.privileges, ['Datastore.AllocateSpace']);
    assert.match(err.message, /pveum acl modify \/storage\/local-lvm -token 'u@pve!t' -role PVEDatastoreUser/);
  }
});

test('the locked sample gives the lock name', () => {
  const x = exchange('error-500-vm-locked');
  const err = errorFromResponse({ status: 500, statusText: x.statusText, headers: {}, body: x.body_pre_pve84! }, 'POST /x', undefined) as E.GuestLockedError;
  assert.equal(err.lock, 'migrate');
});

test('UPIDs: parse and format round-trip, 9-digit pstart, empty id, token user', () => {
  const samples = [
    'UPID:pve02-hq:0000072C:00000B33:5F479E53:qmstart:100:root@pam:',
    'UPID:node:000CFC5C:03E8D0C3:6194806C:aptupdate::root@pam:',
    'UPID:pve:00061CB3:110BA69C1:64EFECB0:qmcreate:101:root@pam!ci:',
  ];
  for (const u of samples) {
    const p = parseUpid(u);
    assert.ok(p, u);
    assert.equal(formatUpid(p), u);
  }
  const p = parseUpid(samples[0])!;
  assert.deepEqual(p, { node: 'pve02-hq', pid: 0x72c, pstart: 0xb33, starttime: 0x5f479e53, type: 'qmstart', id: '100', user: 'root@pam' });
  assert.equal(parseUpid('UPID:node:1:2:3:x:y:z'), undefined, 'short fields and no trailing colon are rejected');
  assert.equal(parseUpid(samples[0].slice(0, -1)), undefined);
});

test('every error class sets its name explicitly (bundles minify class names)', () => {
  const classes = Object.entries(E).filter(([, v]) => typeof v === 'function' && (v === E.PveError || (v as { prototype: unknown }).prototype instanceof E.PveError));
  assert.ok(classes.length >= 20);
  const source = readFileSync(join(__dirname, '../../../src/core/pve/errors.ts'), 'utf8');
  for (const [exportName] of classes) {
    assert.ok(source.includes(`name: string = '${exportName}'`) || source.includes(`name = '${exportName}'`), `${exportName} sets no explicit name`);
  }
  const err = new E.PermissionError('Permission check failed (/vms/1, VM.Audit)', undefined);
  assert.equal(err.name, 'PermissionError');
});

test('bridges: Linux and OVS bridges kept, an SDN vnet and other interface types left out, 0/1 as booleans', () => {
  const rows = [
    { iface: 'vmbr0', type: 'bridge', active: 1, cidr: '192.168.1.12/24', bridge_ports: 'eno1', comments: 'uplink\n' },
    { iface: 'eno1', type: 'eth', active: 1, exists: 1 },
    { iface: 'ovs0', type: 'OVSBridge' },
    { iface: 'vnet10', type: 'vnet' },
    { type: 'bridge' },
  ];
  assert.deepEqual(parseBridges(rows, 'prom'), [
    { node: 'prom', iface: 'vmbr0', type: 'bridge', active: true, cidr: '192.168.1.12/24', comments: 'uplink' },
    { node: 'prom', iface: 'ovs0', type: 'OVSBridge', active: false },
  ]);
  assert.throws(() => parseBridges({ iface: 'vmbr0' }, 'prom'), E.InvalidResponseError);
});
