/** The explorer's backup rows and their ids: what a user reads in the Backups folder and its tooltips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backupRows, backupsFolderRow } from '../../../src/core/explorer/backupRows';
import { backupRowId, backupsRowId, guestRowIdOf, parseRowId } from '../../../src/core/explorer/rowIds';
import type { Backup } from '../../../src/core/pve/backups';
import type { Guest } from '../../../src/core/pve/types';

const GUEST_ROW = 'conn:demo/tag/snapshot/qemu/104';
const guest = { id: 'qemu/104', type: 'qemu', vmid: 104, name: 'Doc1', node: 'prom', template: false } as Guest;

const backup = (over: Partial<Backup>): Backup => ({ volid: 'local:backup/vzdump-qemu-104-2026_12_01-02_00_03.vma.zst', storage: 'local', node: 'prom', vmid: 104, type: 'qemu', ctime: 1_764_554_403, size: 3 * 1024 ** 3, format: 'vma.zst', protected: false, ...over });

test('row ids of the Backups folder and of a backup survive tags named "backups" or "snapshot" and volids with / and :', () => {
  const folder = backupsRowId(GUEST_ROW);
  assert.deepEqual(parseRowId(folder), { kind: 'backups', connectionId: 'demo', rootId: 'conn:demo', guestRowId: GUEST_ROW });
  const volid = 'pbs:backup/vm/104/2026-12-01T02:00:03Z';
  const id = backupRowId(GUEST_ROW, volid);
  assert.deepEqual(parseRowId(id), { kind: 'backup', connectionId: 'demo', rootId: 'conn:demo', guestRowId: GUEST_ROW, volid });
  assert.equal(guestRowIdOf(id), GUEST_ROW);
  assert.equal(guestRowIdOf(folder), GUEST_ROW);
  // A guest grouped under a tag called "backups" is still a plain row.
  assert.equal(parseRowId('conn:demo/tag/backups/qemu/104')?.kind, 'row');
});

test('backup rows: newest first, date label, size with units, mode and notes, a lock on protected ones, a labelled tooltip', () => {
  const rows = backupRows(GUEST_ROW, guest, [
    backup({ notes: 'Doc1 (snapshot mode)', mode: 'snapshot' }),
    backup({ volid: 'local:backup/vzdump-qemu-104-2026_11_01-02_00_03.vma.zst', ctime: 1_761_962_403, size: 500 * 1024 ** 2, protected: true, notes: 'before upgrade' }),
  ]);
  assert.deepEqual(rows.map((r) => r.description), ['3 GiB · snapshot · Doc1 (snapshot mode)', '500 MiB · before upgrade']);
  assert.match(rows[0].label, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  assert.ok(rows[0].label > rows[1].label, 'newest first');
  assert.deepEqual(rows.map((r) => r.icon.id), ['archive', 'lock']);
  assert.deepEqual(rows.map((r) => r.contextValue), ['backup qemu', 'backup qemu protected']);
  assert.equal(rows[0].parentId, backupsRowId(GUEST_ROW));
  const tip = rows[1].tooltip!.split('\n');
  assert.equal(tip[0], 'Backup of Doc1 (VMID 104)');
  assert.deepEqual(tip.slice(1).map((l) => l.split(':')[0]), ['Date', 'Size', 'Mode', 'Notes', 'Protected', 'Storage', 'Format', 'Volume']);
  assert.match(tip[3], /^Mode: not recorded/);
  assert.match(tip[5], /^Protected: yes — Proxmox refuses to delete it/);
  assert.deepEqual(backupRows(GUEST_ROW, guest, []).map((r) => [r.label, r.kind]), [['No backups', 'message']]);
  assert.equal(backupsFolderRow(GUEST_ROW, { ...guest, template: true }).contextValue, 'backups qemu template');
});
