import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { screenshot, selectors, waitForDomText } from '../harness';
import { answering, ENTER } from '../shared/prompts';
import { backupsOf, children, DEMO, explorer, guest, guestRow, requestLog, waitFor } from './util';
import { sessionOf } from '../shared/session';

describe('backups', function () {
  this.timeout(120_000);

  /** The VMID the sandbox backup was restored to (the restore test sets it). */
  let restoredVmid = 0;

  it('lists each guest\'s backups under a Backups folder next to its snapshots, templates included', async () => {
    const doc1 = await guest('Doc1');
    const below = await children(doc1.el);
    assert.deepEqual(
      below.map((r) => r.label),
      ['pre-upgrade', 'Backups'],
    );
    const { rows } = await backupsOf('Doc1');
    assert.equal(rows.length, 2);
    // Newest first; dates, sizes with units, mode and notes; the protected one has its own icon.
    assert.match(rows[0].label, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.match(rows[0].description, /^[\d.]+ GiB · snapshot · Doc1 \(snapshot mode\)$/);
    assert.equal(rows[0].icon, 'archive');
    assert.equal(rows[1].icon, 'lock');
    assert.match(rows[1].contextValue, /\bprotected\b/);
    assert.match(rows[1].tooltip, /^Backup of Doc1 \(VMID 104\)\nDate: .+\nSize: [\d.]+ GiB\nMode: snapshot\nNotes: Doc1 before the 25\.05 upgrade \(snapshot mode\)\nProtected: yes/);
    assert.match(rows[1].tooltip, /Storage: local on prom\nFormat: vma\.zst\nVolume: local:backup\/vzdump-qemu-104-/);
    // A template has no snapshots but holds backups.
    const template = await guest('ubuntu-cloud-template');
    const tBelow = await children(template.el);
    assert.deepEqual(tBelow.map((r) => r.label), ['Backups']);
    const t = await backupsOf('ubuntu-cloud-template');
    assert.equal(t.rows.length, 1);
    assert.match(t.rows[0].description, /stop · ubuntu-cloud-template \(stop mode\)$/);
  });

  it('Back Up Now: mode, compression and storage are asked, the backup runs as a task and appears under Backups', async () => {
    const x = await explorer();
    const before = await backupsOf('sandbox');
    assert.deepEqual(before.rows.map((r) => r.label), ['No backups']);
    const history = x.tasks.history.length;
    const prompts = await answering(['Suspend', 'GZIP', 'local', ENTER], () => vscode.commands.executeCommand('proxmoxIac.guest.backupNow', before.folder.el));
    assert.deepEqual(prompts.map((p) => p.kind), ['pick', 'pick', 'pick', 'input']);
    assert.deepEqual(prompts[0].choices, ['Snapshot', 'Suspend', 'Stop']);
    assert.deepEqual(prompts[1].choices, ['ZSTD', 'GZIP', 'LZO', 'None']);
    // Only storages of the guest's node that hold backups.
    assert.deepEqual(prompts[2].choices, ['local']);
    assert.equal(prompts[3].value, '{{guestname}}');
    const task = x.tasks.history[history];
    assert.ok(task, 'no task was recorded');
    assert.equal(task.ok, true, `task result: ${task.exitstatus}`);
    assert.match(task.upid ?? '', /:vzdump:111:/);
    assert.ok((await requestLog()).includes('POST /nodes/prom/vzdump'));
    const row = await waitFor('the new backup under sandbox', async () => (await backupsOf('sandbox')).rows.find((r) => r.contextValue.startsWith('backup ')));
    assert.match(row.description, /^[\d.]+ (MiB|GiB) · suspend · sandbox \(suspend mode\)$/);
    assert.match(row.tooltip, /\nMode: suspend\n/);
    assert.match(row.tooltip, /\nFormat: vma\.gz\n/);
    // In the side bar, where the user looks.
    await x.treeView.reveal(row.el, { select: true, focus: false, expand: true });
    await waitForDomText(selectors.sideBarTreeRows, /suspend · sandbox \(suspend mode\)/);
    await screenshot('backups-back-up-now');
  });

  it('Restore to New VMID suggests the next free VMID in the ranges, refuses read-only ones, and the new guest appears', async () => {
    const x = await explorer();
    const state = await sessionOf(x.provider, DEMO);
    const used = new Set([...state.subtree!.guests.values()].map((g) => g.vmid));
    let expected = 100;
    while (used.has(expected) || expected === 151) expected++;
    const { rows } = await backupsOf('sandbox');
    const backup = rows.find((r) => r.contextValue.startsWith('backup '))!;
    const history = x.tasks.history.length;
    const prompts = await answering([ENTER], () => vscode.commands.executeCommand('proxmoxIac.backup.restore', backup.el));
    assert.deepEqual(prompts.map((p) => p.kind), ['input']);
    const box = prompts[0];
    assert.equal(box.value, String(expected), 'the box does not suggest the next free VMID in proxmoxIac.validation.vmidRanges');
    assert.match(box.validate!('151') ?? '', /VMID 151 is read-only \(set in the setting proxmoxIac\.readonlyVmids\)/);
    assert.match(box.validate!('99') ?? '', /Enter a number from 100/);
    const task = x.tasks.history[history];
    assert.ok(task, 'no task was recorded');
    assert.equal(task.ok, true, `task result: ${task.exitstatus}`);
    assert.match(task.upid ?? '', new RegExp(`:qmrestore:${expected}:`));
    assert.ok((await requestLog()).includes('POST /nodes/prom/qemu'));
    restoredVmid = expected;
    const row = await waitFor('the restored guest in the tree', () => guestRow('sandbox', expected));
    assert.match(row.description, new RegExp(`^${expected} · stopped`));
    await x.treeView.reveal(row.el, { select: true, focus: false });
    await waitForDomText(selectors.sideBarTreeRows, new RegExp(`^sandbox.*${expected}`, 's'));
    await screenshot('backups-restored');
  });

  it('restoring onto an existing guest needs the typed VMID; a running one is refused', async () => {
    assert.ok(restoredVmid, 'the restore test did not run');
    const x = await explorer();
    const backup = (await backupsOf('sandbox', 111)).rows.find((r) => r.contextValue.startsWith('backup '))!;
    const restores = (): Promise<number> => requestLog().then((l) => l.filter((r) => r === 'POST /nodes/prom/qemu').length);
    const before = await restores();

    // Onto a running guest: refused with the reason, nothing sent.
    let prompts = await answering(['105'], () => vscode.commands.executeCommand('proxmoxIac.backup.restore', backup.el));
    assert.deepEqual(prompts.map((p) => p.kind), ['input', 'warning']);
    assert.match(prompts[1].text, /VMID 105 is homeassistant \(VMID 105\), which is running/);

    // Onto the stopped copy: confirmed, then a wrong VMID typed → nothing happens.
    prompts = await answering([String(restoredVmid), 'Replace…', 'nope'], () => vscode.commands.executeCommand('proxmoxIac.backup.restore', backup.el));
    assert.deepEqual(prompts.map((p) => p.kind), ['input', 'confirm', 'input']);
    assert.match(prompts[1].text, new RegExp(`VMID ${restoredVmid} is sandbox \\(VMID ${restoredVmid}\\) on prom\\. Replace it with this backup\\?`));
    assert.match(prompts[2].validate!('nope') ?? '', new RegExp(`Type exactly ${restoredVmid}`));
    assert.equal(await restores(), before, 'a restore was sent without the typed confirmation');

    // Confirmed and typed: the restore replaces it.
    const history = x.tasks.history.length;
    await answering([String(restoredVmid), 'Replace…', String(restoredVmid)], () => vscode.commands.executeCommand('proxmoxIac.backup.restore', backup.el));
    assert.equal(x.tasks.history[history]?.ok, true, `task result: ${x.tasks.history[history]?.exitstatus}`);
    assert.equal(await restores(), before + 1);
  });

  it('Delete Backup: a protected backup is refused with the reason; others need the typed VMID, then the row is gone', async () => {
    const x = await explorer();
    const deletes = (): Promise<number> => requestLog().then((l) => l.filter((r) => r.startsWith('DELETE /nodes/') && r.includes('/content/')).length);
    const before = await deletes();

    const ha = await backupsOf('homeassistant');
    const protectedRow = ha.rows.find((r) => /\bprotected\b/.test(r.contextValue))!;
    assert.ok(protectedRow, 'the seeded protected backup of homeassistant is not listed');
    let prompts = await answering([], () => vscode.commands.executeCommand('proxmoxIac.backup.delete', protectedRow.el));
    assert.deepEqual(prompts.map((p) => p.kind), ['warning']);
    assert.match(prompts[0].text, /^The backup of homeassistant \(VMID 105\) from .+ is protected, so Proxmox refuses to delete it\. Remove the protection first/);
    assert.equal(await deletes(), before);

    const sandbox = await backupsOf('sandbox', 111);
    const row = sandbox.rows.find((r) => r.contextValue.startsWith('backup '))!;
    prompts = await answering(['Delete…', '112'], () => vscode.commands.executeCommand('proxmoxIac.backup.delete', row.el));
    assert.deepEqual(prompts.map((p) => p.kind), ['confirm', 'input']);
    assert.match(prompts[0].text, /^Delete the backup of sandbox \(VMID 111\) from /);
    assert.match(prompts[1].validate!('112') ?? '', /Type exactly 111/);
    assert.equal(await deletes(), before, 'deleted without the typed confirmation');

    const history = x.tasks.history.length;
    await answering(['Delete…', '111'], () => vscode.commands.executeCommand('proxmoxIac.backup.delete', row.el));
    assert.equal(x.tasks.history[history]?.ok, true, `task result: ${x.tasks.history[history]?.exitstatus}`);
    assert.equal(await deletes(), before + 1);
    await waitFor('the deleted backup to leave the tree', async () => {
      const labels = (await backupsOf('sandbox', 111)).rows.map((r) => r.label);
      return labels.length === 1 && labels[0] === 'No backups' ? true : undefined;
    });
  });
});
