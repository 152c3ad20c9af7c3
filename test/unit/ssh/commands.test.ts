import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PveCommandError,
  pvesh,
  qm,
  qmrestore,
  validateNodeName,
  validateStorageId,
  validateVmid,
} from '../../../src/core/pve/commands';

const rejects = (fn: () => unknown, parameter: string, text: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof PveCommandError && e.parameter === parameter && text.test(e.message));

test('qm builders produce the argument vectors qm expects', () => {
  assert.deepEqual(qm.clone(9000, 120, { name: 'web-2.lab', full: true, storage: 'local-lvm', target: 'pve2', pool: 'prod' }), [
    'qm', 'clone', '9000', '120', '--name', 'web-2.lab', '--full', '1', '--storage', 'local-lvm', '--target', 'pve2', '--pool', 'prod',
  ]);
  assert.deepEqual(qm.clone('9000', '121', { full: false }), ['qm', 'clone', '9000', '121', '--full', '0']);
  assert.deepEqual(qm.start(100), ['qm', 'start', '100']);
  assert.deepEqual(qm.start(100, { timeout: 30 }), ['qm', 'start', '100', '--timeout', '30']);
  assert.deepEqual(qm.stop(100, { skiplock: true }), ['qm', 'stop', '100', '--skiplock', '1']);
  assert.deepEqual(qm.shutdown(100, { timeout: 60, forceStop: true }), ['qm', 'shutdown', '100', '--timeout', '60', '--forceStop', '1']);
  assert.deepEqual(qm.template(9000), ['qm', 'template', '9000']);
  assert.deepEqual(qm.destroy(120, { purge: true, destroyUnreferencedDisks: true }), [
    'qm', 'destroy', '120', '--purge', '1', '--destroy-unreferenced-disks', '1',
  ]);
  assert.deepEqual(qm.agent(100, 'network-get-interfaces'), ['qm', 'agent', '100', 'network-get-interfaces']);
  assert.deepEqual(qm.importdisk(120, '/var/lib/vz/template/iso/nixos.qcow2', 'local-lvm', { format: 'qcow2' }), [
    'qm', 'importdisk', '120', '/var/lib/vz/template/iso/nixos.qcow2', 'local-lvm', '--format', 'qcow2',
  ]);
  assert.deepEqual(qm.status(100, { verbose: true }), ['qm', 'status', '100', '--verbose', '1']);
});

test('qm set passes values as given (even shell-looking ones) and joins deletions', () => {
  assert.deepEqual(qm.set(100, { memory: 4096, onboot: true, description: 'line 1\nline 2; $(x)', ipconfig0: 'ip=dhcp' }, { delete: ['net1', 'ide2'] }), [
    'qm', 'set', '100', '--memory', '4096', '--onboot', '1', '--description', 'line 1\nline 2; $(x)', '--ipconfig0', 'ip=dhcp', '--delete', 'net1,ide2',
  ]);
  rejects(() => qm.set(100, {}), 'params', /Nothing to change/);
  rejects(() => qm.set(100, { 'memory; reboot': 1 }), 'memory; reboot', /not a valid configuration key/);
  rejects(() => qm.set(100, { name: 'bad name' }), 'name', /DNS names only/);
  rejects(() => qm.set(100, { tags: 'a\nb' }), 'tags', /control characters/);
});

test('qmrestore defaults to --unique 1 and validates archive, vmid and storage', () => {
  assert.deepEqual(qmrestore('/var/lib/vz/dump/vzdump-qemu-100.vma.zst', 130, { storage: 'local-lvm' }), [
    'qmrestore', '/var/lib/vz/dump/vzdump-qemu-100.vma.zst', '130', '--unique', '1', '--storage', 'local-lvm',
  ]);
  assert.deepEqual(qmrestore('local:backup/vzdump-qemu-100.vma.zst', 131, { unique: false, force: true }), [
    'qmrestore', 'local:backup/vzdump-qemu-100.vma.zst', '131', '--unique', '0', '--force', '1',
  ]);
  rejects(() => qmrestore('--force', 130), 'backup archive', /not usable/);
  rejects(() => qmrestore('', 130), 'backup archive', /not usable/);
  rejects(() => qmrestore('/x.vma', 130, { storage: 'local lvm' }), 'storage', /not a valid storage ID/);
});

test('pvesh builds VERB PATH --param value with JSON output by default', () => {
  assert.deepEqual(pvesh('get', '/cluster/resources', { type: 'vm' }), ['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json']);
  assert.deepEqual(pvesh('create', '/nodes/pve1/qemu/100/clone', { newid: 120, full: true, name: 'web' }), [
    'pvesh', 'create', '/nodes/pve1/qemu/100/clone', '--newid', '120', '--full', '1', '--name', 'web', '--output-format', 'json',
  ]);
  assert.deepEqual(pvesh('set', '/nodes/pve1/qemu/100/config', { tags: ['a', 'b'] }, { outputFormat: null }), [
    'pvesh', 'set', '/nodes/pve1/qemu/100/config', '--tags', 'a', '--tags', 'b',
  ]);
  rejects(() => pvesh('get', 'cluster/resources'), 'path', /must start with '\/'/);
  rejects(() => pvesh('get', '/nodes/../etc'), 'path', /'\.\.'/);
  rejects(() => pvesh('get', '/nodes/pve 1'), 'path', /no spaces/);
  rejects(() => pvesh('run' as 'get', '/version'), 'verb', /not one of get, create, set, delete/);
  rejects(() => pvesh('get', '/version', { '--evil': 1 }), '--evil', /not a valid parameter name/);
});

test('VM IDs must be whole numbers from 100 to 999999999', () => {
  assert.equal(validateVmid(100), 100);
  assert.equal(validateVmid('999999999'), 999999999);
  for (const bad of [99, 1_000_000_000, 100.5, -100, Number.NaN, '10a', '', '1e3', null, undefined]) {
    rejects(() => validateVmid(bad), 'vmid', /whole number from 100 to 999999999/);
  }
  rejects(() => qm.clone(9000, 42), 'newid', /The newid 42 is not a valid Proxmox VM ID/);
  rejects(() => qm.start('100; reboot'), 'vmid', /not a valid Proxmox VM ID/);
});

test('node names and storage IDs follow the PVE patterns', () => {
  for (const ok of ['pve', 'pve1', 'pve-2', 'A1', '9node']) assert.equal(validateNodeName(ok), ok);
  for (const bad of ['', '-pve', 'pve-', 'pve_1', 'pve.lab', 'pve 1', 'pve;x']) rejects(() => validateNodeName(bad), 'node', /letters, digits and inner hyphens/);
  rejects(() => qm.clone(9000, 120, { target: 'pve.lab' }), 'target', /not a valid Proxmox node name/);
  for (const ok of ['local', 'local-lvm', 'nfs.backup', 'ceph_pool1']) assert.equal(validateStorageId(ok), ok);
  for (const bad of ['', '1local', 'local-', 'a', 'local lvm', 'x/y', 'local$']) rejects(() => validateStorageId(bad), 'storage', /must start with a letter/);
});

test('guest-agent commands and disk formats are checked against what qm knows', () => {
  rejects(() => qm.agent(100, 'exec' as 'ping'), 'command', /not one qm knows/);
  rejects(() => qm.clone(9000, 120, { format: 'vdi' as 'raw' }), 'format', /raw, qcow2, vmdk/);
  rejects(() => qm.importdisk(120, '-rf', 'local-lvm'), 'source image', /not usable/);
  rejects(() => qm.start(100, { timeout: -1 }), 'timeout', /whole number of seconds/);
});
