// Seed 001 keeps its state in git under terraform-state/<workspace>/: after an apply that changed the state
// file, the extension offers to commit exactly that file.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, domClick, selectors, sleep, waitForNotification } from '../harness';
import { answeringModals, taskEnd, wsFile } from './util';

function git(...args: string[]): string {
  return execFileSync('git', ['-C', wsFile('clan'), ...args], { encoding: 'utf8' });
}

describe('Clan state in git: "Commit State" after an apply', function () {
  this.timeout(180_000);
  before(async () => {
    await activateExtension();
    git('init', '-q');
    git('config', 'user.name', 'Test User');
    git('config', 'user.email', 'test@example.invalid');
    git('add', '-A');
    git('commit', '-q', '-m', 'fixture');
  });

  it('after an apply of the shared workspace, "Commit State" commits only terraform-state/shared/terraform.tfstate', async () => {
    // Something else staged: the commit must leave it alone.
    fs.writeFileSync(wsFile('clan/notes.txt'), 'unrelated\n');
    git('add', 'notes.txt');
    const ended = taskEnd((t) => t.definition.type === 'proxmox-iac' && t.definition.action === 'apply' && t.definition.workspace === 'shared' && t.execution instanceof vscode.ProcessExecution, 120_000);
    const asked = await answeringModals('Apply', () => vscode.commands.executeCommand('proxmoxIac.apply', { kind: 'clan', workspace: 'shared' }));
    assert.match(asked.questions[0]?.text ?? '', /^Apply /, 'the apply asked first');
    assert.equal(await ended, 0, 'scripts/terraform.sh shared apply failed');
    const offer = await waitForNotification('The state of shared changed', 60_000);
    assert.equal(offer, 'The state of shared changed: commit terraform-state/shared/terraform.tfstate to git?');
    await domClick(selectors.notificationButtons, 'Commit State');
    await waitForNotification('Committed terraform-state/shared/terraform.tfstate.', 60_000);
    const until = Date.now() + 10_000;
    while (git('log', '-1', '--format=%s').trim() !== 'terraform-state: apply shared' && Date.now() < until) await sleep(100);
    assert.equal(git('log', '-1', '--format=%s').trim(), 'terraform-state: apply shared');
    assert.deepEqual(git('show', '--name-only', '--format=', 'HEAD').trim().split('\n'), ['terraform-state/shared/terraform.tfstate']);
    assert.match(git('status', '--porcelain'), /^A {2}notes\.txt$/m, 'the other staged file stays staged, uncommitted');
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
