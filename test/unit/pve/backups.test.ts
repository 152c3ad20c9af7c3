/**
 * Backups end to end against the simulator: the client's calls (list, back up, restore, delete, notes and
 * protection), the simulator's answers checked against the official schema's `returns`, its refusals
 * (protected backups, existing VMIDs, storages without backup content, missing privileges) and the client's
 * path-segment checks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backupGuest,
  backupModeOf,
  deleteBackup,
  listBackups,
  notesTemplateFor,
  parseBackups,
  restoreBackup,
  storageOfVolid,
  updateBackup,
} from '../../../src/core/pve/backups';
import type { PveClient } from '../../../src/core/pve/client';
import { InvalidPathSegmentError, PveError } from '../../../src/core/pve/errors';
import type { RunningSimulator } from '../../../src/sim/index';
import { assertMatchesReturns } from '../../support/pveReturns';
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

/** The last request's answer against the schema of the route it matched. */
async function checkedAgainstSchema(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: Record<string, string | number | boolean>): Promise<unknown> {
  const { data } = await client.request(method, path, params);
  const logged = s.requests.at(-1)!;
  assert.equal(logged.status, 200, `${method} ${path}`);
  assertMatchesReturns(method, logged.route!, data);
  return data;
}

test('the demo cluster has seeded backups, a template\'s among them, and every answer matches the schema', async () => {
  const rows = (await checkedAgainstSchema('GET', '/nodes/prom/storage/local/content', { content: 'backup' })) as Record<string, unknown>[];
  const vmids = rows.map((r) => r.vmid);
  assert.ok(vmids.includes(104) && vmids.includes(9002) && vmids.includes(120), `seeded backups on prom: ${vmids.join(',')}`);
  const row = rows.find((r) => r.vmid === 120)!;
  assert.equal(row.subtype, 'lxc');
  assert.match(String(row.volid), /^local:backup\/vzdump-lxc-120-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.tar\.zst$/);
  assert.ok(rows.some((r) => r.protected === 1), 'one seeded backup is protected');
  const volume = encodeURIComponent(String(row.volid));
  await checkedAgainstSchema('GET', `/nodes/prom/storage/local/content/${volume}`);
  await checkedAgainstSchema('PUT', `/nodes/prom/storage/local/content/${volume}`, { notes: 'checked' });
  const upid = await checkedAgainstSchema('POST', '/nodes/prom/vzdump', { vmid: 105, storage: 'local', mode: 'snapshot', compress: 'zstd' });
  assert.match(String(upid), /^UPID:prom:[0-9A-F]+:[0-9A-F]+:[0-9A-F]+:vzdump:105:/);
  const made = s.state.backups.find((b) => b.vmid === 105 && b.format === 'vma.zst')!;
  await checkedAgainstSchema('POST', '/nodes/prom/qemu', { vmid: 870, archive: made.volid, unique: 1 });
  await checkedAgainstSchema('POST', '/nodes/prom/lxc', { vmid: 871, ostemplate: String(row.volid), restore: 1 });
  await checkedAgainstSchema('DELETE', `/nodes/prom/storage/local/content/${encodeURIComponent(made.volid)}`);
  // Other content types are not simulated and list as empty rather than as backups.
  assert.deepEqual(await checkedAgainstSchema('GET', '/nodes/prom/storage/local/content', { content: 'iso' }), []);
});

test('back up → listed with notes, mode and size; restore to a new VMID → a new stopped guest with a new MAC', async () => {
  const before = await listBackups(client, 'prom', 'local', 111);
  const upid = await backupGuest(client, VM(111), { storage: 'local', mode: 'suspend', compress: 'gzip', notesTemplate: notesTemplateFor('suspend') });
  const result = await client.waitForTask(upid);
  assert.equal(result.ok, true, result.exitstatus);
  const after = await listBackups(client, 'prom', 'local', 111);
  assert.equal(after.length, before.length + 1);
  const b = after.at(-1)!;
  assert.equal(b.vmid, 111);
  assert.equal(b.type, 'qemu');
  assert.equal(b.format, 'vma.gz');
  assert.equal(b.notes, 'sandbox (suspend mode)');
  assert.equal(b.mode, 'suspend');
  assert.equal(b.protected, false);
  assert.ok(b.size > 0 && b.ctime !== undefined);

  const restored = await client.waitForTask(await restoreBackup(client, { node: 'prom', type: 'qemu', vmid: 880, volid: b.volid }));
  assert.equal(restored.ok, true, restored.exitstatus);
  const guest = s.state.guests.get(880)!;
  assert.equal(guest.name, 'sandbox');
  assert.equal(guest.status, 'stopped');
  assert.equal(guest.lock, undefined);
  assert.notEqual(String(guest.config.net0), String(s.state.guests.get(111)!.config.net0), 'unique gives the copy its own MAC');
  const params = s.requests.find((r) => r.method === 'POST' && r.path === '/nodes/prom/qemu' && r.params.vmid === '880')!.params;
  assert.equal(params.archive, b.volid);
  assert.equal(params.unique, '1');
  assert.equal(params.force, undefined, 'never overwrite unless asked');
});

test('a template and a container back up and restore too; the restored template is a template', async () => {
  assert.equal((await client.waitForTask(await backupGuest(client, VM(9003), { storage: 'local', mode: 'snapshot', compress: 'zstd' }))).ok, true);
  const tb = (await listBackups(client, 'prom', 'local', 9003)).at(-1)!;
  assert.equal((await client.waitForTask(await restoreBackup(client, { node: 'prom', type: 'qemu', vmid: 881, volid: tb.volid }))).ok, true);
  assert.equal(s.state.guests.get(881)!.template, true);

  assert.equal((await client.waitForTask(await backupGuest(client, CT(120), { storage: 'local', mode: 'stop', compress: 'lzo' }))).ok, true);
  const cb = (await listBackups(client, 'prom', 'local', 120)).at(-1)!;
  assert.equal(cb.type, 'lxc');
  assert.equal(cb.format, 'tar.lzo');
  assert.equal((await client.waitForTask(await restoreBackup(client, { node: 'prom', type: 'lxc', vmid: 882, volid: cb.volid }))).ok, true);
  assert.equal(s.state.guests.get(882)!.type, 'lxc');
  const params = s.requests.find((r) => r.path === '/nodes/prom/lxc' && r.params.vmid === '882')!.params;
  assert.equal(params.ostemplate, cb.volid);
  assert.equal(params.restore, '1');
});

test('the guest holds the backup lock while vzdump runs', async () => {
  s.state.taskDurationMs = 60_000;
  try {
    const upid = await backupGuest(client, VM(105), { storage: 'local', mode: 'snapshot', compress: 'zstd' });
    assert.equal(s.state.guests.get(105)!.lock, 'backup');
    await assert.rejects(backupGuest(client, VM(105), { storage: 'local', mode: 'snapshot', compress: 'zstd' }), /VM is locked \(backup\)/);
    s.state.finishTask(upid);
    assert.equal(s.state.guests.get(105)!.lock, undefined);
  } finally {
    s.state.taskDurationMs = 0;
  }
});

test('refusals: protected backups, existing VMIDs without force, storages without backup content, missing privileges', async () => {
  const protectedOne = s.state.backups.find((b) => b.protected)!;
  await assert.rejects(deleteBackup(client, protectedOne.node, protectedOne.volid), (err: unknown) => err instanceof PveError && err.status === 500 && /protected/.test(err.message));
  assert.ok(s.state.backups.includes(protectedOne), 'still there');

  const any = s.state.backups.find((b) => b.subtype === 'qemu' && b.node === 'prom')!;
  await assert.rejects(restoreBackup(client, { node: 'prom', type: 'qemu', vmid: 105, volid: any.volid }), /VM 105 already exists on node 'prom'/);
  assert.equal(s.state.guests.get(105)!.name, 'homeassistant', 'the existing guest is untouched');
  await assert.rejects(backupGuest(client, VM(105), { storage: 'local-zfs', mode: 'snapshot', compress: 'zstd' }), /does not support backups/);
  await assert.rejects(restoreBackup(client, { node: 'prom', type: 'lxc', vmid: 883, volid: any.volid }), /is a VM backup/);

  // The auditor may list, not back up or delete.
  const auditor = clientFor(s, 'auditor');
  assert.ok((await listBackups(auditor, 'prom', 'local')).length > 0);
  await assert.rejects(backupGuest(auditor, VM(105), { storage: 'local', mode: 'snapshot', compress: 'zstd' }), (err: unknown) => err instanceof PveError && err.status === 403);
  await assert.rejects(deleteBackup(auditor, 'prom', any.volid), (err: unknown) => err instanceof PveError && err.status === 403);
});

test('unprotect then delete: the backup is gone from the listing', async () => {
  const b = s.state.backups.find((x) => x.protected)!;
  await updateBackup(client, b.node, b.volid, { protected: false, notes: 'no longer needed' });
  assert.equal(b.protected, false);
  assert.equal(b.notes, 'no longer needed');
  const upid = await deleteBackup(client, b.node, b.volid);
  assert.ok(upid);
  assert.equal((await client.waitForTask(upid)).ok, true);
  assert.ok(!(await listBackups(client, b.node, b.storage, b.vmid)).some((x) => x.volid === b.volid));
});

test('path segments and volume IDs are checked before anything is sent', async () => {
  const sent = s.requests.length;
  await assert.rejects(listBackups(client, '..', 'local'), InvalidPathSegmentError);
  await assert.rejects(listBackups(client, 'prom', '.'), InvalidPathSegmentError);
  await assert.rejects(deleteBackup(client, 'prom', 'no-storage-prefix'), InvalidPathSegmentError);
  await assert.rejects(deleteBackup(client, 'prom', '..'), InvalidPathSegmentError);
  await assert.rejects(restoreBackup(client, { node: 'prom', type: 'qemu', vmid: 890, volid: ':x' }), InvalidPathSegmentError);
  assert.equal(s.requests.length, sent, 'no request went out');
  assert.equal(storageOfVolid('pbs-1:backup/vm/104/2026-12-01T02:00:00Z'), 'pbs-1');
});

test('parseBackups: tolerant of what servers send, strict about volids; modes come from the notes', () => {
  const rows = parseBackups(
    [
      { volid: 'local:backup/vzdump-lxc-130-2026_01_01-00_00_00.tar.zst', ctime: '1767225600', size: '1024', format: 'tar.zst', vmid: '130', protected: '1', notes: 'x (stop mode)' },
      { volid: 'local:iso/debian.iso', content: 'iso', size: 1, format: 'iso' },
      { size: 5 },
      { volid: 'local:backup/vzdump-qemu-104-2025_01_01-00_00_00.vma', content: 'backup', ctime: 1735689600, size: 10, format: 'vma', subtype: 'qemu', vmid: 104 },
    ],
    'father',
    'local',
  );
  assert.deepEqual(rows.map((r) => [r.vmid, r.type, r.protected, r.mode, r.node]), [
    [104, 'qemu', false, undefined, 'father'],
    [130, 'lxc', true, 'stop', 'father'],
  ]);
  assert.equal(backupModeOf('Doc1 (snapshot mode)'), 'snapshot');
  assert.equal(backupModeOf('snapshot mode'), undefined);
  assert.equal(notesTemplateFor('stop', 'nightly (snapshot mode)'), 'nightly (stop mode)');
  assert.throws(() => parseBackups({}, 'n', 's'), /not a list/);
});
