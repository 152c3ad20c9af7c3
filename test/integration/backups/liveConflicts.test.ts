import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { backupApiOf, listBackups, restoreBackup } from '../../../src/core/pve/backups';
import { screenshot } from '../harness';
import { DEMO, explorer, waitFor } from './util';
import { sessionOf } from '../shared/session';

const CODE = 'live-vmid-conflict';

function conflicts(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === CODE);
}

describe('live VMID conflicts in the editor', function () {
  this.timeout(120_000);

  it('a manifest VMID that a live guest of another name uses is flagged on the VMID, follows refreshes, and the quick fix clears it', async () => {
    const x = await explorer();
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'site-config/manifests/live-conflict.yaml');
    // 105 is homeassistant on prom; 198 is free until the test restores a backup there.
    const text = [
      'schema_version: 2',
      'name: live-conflict',
      'description: "Two VMs whose VMIDs the live cluster decides about"',
      'pattern: flat',
      '',
      'nodes:',
      '  - name: web',
      '    type: vm',
      '    spec: base',
      '    preset: vm-small',
      '    image: debian-12',
      '    vmid: 105',
      '  - name: web2',
      '    type: vm',
      '    spec: base',
      '    preset: vm-small',
      '    image: debian-12',
      '    vmid: 198',
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);

    const first = await waitFor('the conflict on vmid 105', () => {
      const c = conflicts(uri);
      return c.length === 1 ? c[0] : undefined;
    });
    assert.equal(doc.getText(first.range), '105');
    assert.equal(first.range.start.line, 11);
    assert.equal(first.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(first.message, /VMID 105 is already used by 'homeassistant' on node prom in the live cluster, not by 'web'/);
    assert.match(first.message, /is the next free VMID in proxmoxIac\.validation\.vmidRanges/);
    editor.selection = new vscode.Selection(first.range.start, first.range.start);
    await screenshot('live-vmid-conflict');

    // A guest appears on 198 (restored from a backup outside the editor): the next refresh flags it.
    const state = await sessionOf(x.provider, DEMO);
    const api = await x.provider.api(state);
    const archives = await listBackups(backupApiOf(api), 'prom', 'local', 105);
    const restored = await api.waitForTask(await restoreBackup(backupApiOf(api), { node: 'prom', type: 'qemu', vmid: 198, volid: archives[0].volid }));
    assert.equal(restored.ok, true, restored.exitstatus);
    assert.equal(conflicts(uri).length, 1, 'flagged before the explorer knew about the new guest');
    await x.provider.refreshConnection(state);
    const second = await waitFor('the conflict on vmid 198 after the refresh', () => conflicts(uri).find((d) => doc.getText(d.range) === '198'));
    assert.match(second.message, /VMID 198 is already used by 'homeassistant' on node prom/);

    // The quick fix writes the suggested VMID, and the diagnostic goes.
    const suggested = /(\d+) is the next free VMID/.exec(first.message)![1];
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, first.range);
    const fix = actions.find((a) => a.title === `Use the next free VMID ${suggested}`);
    assert.ok(fix?.edit, `no quick fix; actions: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(11).text, `    vmid: ${suggested}`);
    await waitFor('the conflict on line 12 to go', () => (conflicts(uri).some((d) => d.range.start.line === 11) ? undefined : true));
    assert.deepEqual(conflicts(uri).map((d) => doc.getText(d.range)), ['198']);
    await screenshot('live-vmid-conflict-fixed');
  });
});
