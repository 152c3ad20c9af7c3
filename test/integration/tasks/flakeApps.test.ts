import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, domClick, domType, screenshot, waitForDomText } from '../harness';
import { argvLog, taskEnd, wsFile } from './util';

const TASK_TYPE = 'proxmox-iac';
const ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';

/**
 * apps/ is a Terranix flake whose apps are `fleet-plan`, `fleet-apply` and `fleet-destroy` (flake-utils
 * layout): Nix lists them from its outputs. fleet/'s flake has no apps, so its tasks keep seed 000's names.
 */
describe('Terranix tasks run the app names read from the flake', function () {
  this.timeout(180_000);
  before(async () => {
    await activateExtension();
  });

  it('Run Task lists the flake\'s own apps, says where the names came from, and offers no Init the flake lacks', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: TASK_TYPE });
    const byName = new Map(tasks.map((t) => [t.name, t]));
    const seen = [...byName.keys()].join('\n');
    const args = (name: string) => {
      const execution = byName.get(name)?.execution;
      assert.ok(execution instanceof vscode.ProcessExecution, `"${name}" is not in Run Task's list as a process:\n${seen}`);
      return execution.args.slice(execution.args.indexOf('--') + 2);
    };
    assert.deepEqual(args('Plan apps (Terranix)'), ['run', '.#fleet-plan']);
    assert.equal(byName.get('Plan apps (Terranix)')!.detail, "nix run .#fleet-plan — app from the flake's outputs");
    // Apply and destroy ask first (their Run Task entry only asks, then starts the real task), and say what runs too.
    assert.equal(byName.get('Apply apps (Terranix)')?.detail, "nix run .#fleet-apply — app from the flake's outputs");
    assert.equal(byName.get('Destroy apps (Terranix)')?.detail, "nix run .#fleet-destroy — app from the flake's outputs");
    assert.ok(!byName.has('Init apps (Terranix)'), `an Init task is offered although the flake has no init app:\n${seen}`);
    // A flake Nix lists no such apps for keeps the seed's names, and says so.
    assert.deepEqual(args('Plan fleet (Terranix)'), ['run', '.#tofu-plan']);
    assert.equal(byName.get('Plan fleet (Terranix)')!.detail, "nix run .#tofu-plan — seed 000's app name (the flake's apps could not be listed)");
    assert.ok(byName.has('Init fleet (Terranix)'), seen);

    // What the user sees: Run Task → proxmox-iac lists the task with its command underneath.
    void vscode.commands.executeCommand('workbench.action.tasks.runTask');
    try {
      // The first level lists recently used tasks and one entry per task type: narrow it to ours and open it.
      await waitForDomText(ROWS, /./, 30_000);
      await domType(TASK_TYPE);
      await waitForDomText(ROWS, new RegExp(`^${TASK_TYPE}`), 10_000);
      await domClick(ROWS, TASK_TYPE);
      await waitForDomText(ROWS, 'apps (Terranix)', 60_000);
      await domType('apps (Terranix)');
      const rows = await waitForDomText(ROWS, /Plan apps \(Terranix\)\s+nix run \.#fleet-plan — app from the flake's outputs/, 30_000);
      assert.ok(rows.some((r) => /Apply apps \(Terranix\)\s+nix run \.#fleet-apply — app from the flake's outputs/.test(r)), rows.join('\n---\n'));
      assert.ok(!rows.some((r) => r.includes('Init apps')), rows.join('\n---\n'));
      await screenshot('tasks-terranix-apps');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
  });

  it('the Plan command on the flake\'s hosts.nix runs nix run .#fleet-plan', async () => {
    const ended = taskEnd((t) => t.definition.type === TASK_TYPE && t.definition.kind === 'terranix' && t.definition.dir === 'apps' && t.execution instanceof vscode.ProcessExecution, 120_000);
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>('proxmoxIac.plan', { file: wsFile('apps/hosts.nix') });
    assert.ok(execution, 'Plan started no task');
    await ended;
    assert.deepEqual(argvLog().filter((a) => a[0] === 'nix').at(-1), ['nix', 'run', '.#fleet-plan']);
  });
});
