import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from '../harness';
import { codeLenses, describeLenses, markers, taskEnd, waitForLenses, wsFile } from './util';

// A manifest node named `a;touch${IFS}pwned-semicolon`, one named `$(touch pwned-subst)` and a manifest file
// named `n$(touch${IFS}pwned-file).yaml`: run through a shell, each would create a `pwned-*` file. Neither the
// lenses nor the tasks may ever hand such a name to a shell.

const PLAN_NODE_COMMAND = 'proxmoxIac.planNode';
const HOSTILE_NODES = ['a;touch${IFS}pwned-semicolon', '$(touch pwned-subst)'];
const HOSTILE_FILE = 'site-config/manifests/n$(touch${IFS}pwned-file).yaml';

describe('Hostile names in manifests run nothing', function () {
  // Each test waits for real processes; a loaded 2-core machine needs more than mocha's default.
  this.timeout(180_000);
  before(async () => {
    await activateExtension();
    assert.deepEqual(markers(), [], 'the fixture already holds a marker file');
  });

  it('offers "Plan this node" only for the node with a plain name, and no lens on a file with a hostile name', async () => {
    const uri = vscode.Uri.file(wsFile('site-config/manifests/hostile.yaml'));
    const nodeOf = (l: vscode.CodeLens) => (l.command?.arguments?.[0] as { node?: string } | undefined)?.node;
    const lenses = await waitForLenses(uri, (ls) => ls.some((l) => nodeOf(l) === 'edge'), 'a "Plan this node" lens for edge');
    const nodeNames = lenses.map(nodeOf).filter((n) => n !== undefined);
    for (const hostile of HOSTILE_NODES) assert.ok(!nodeNames.includes(hostile), `a lens is offered for ${hostile}: ${describeLenses(lenses)}`);
    // The same manifest text under a plain name has its lenses, so "none" below is not just "not yet".
    await waitForLenses(vscode.Uri.file(wsFile('site-config/manifests/n1-push.yaml')), (ls) => ls.length >= 2, 'lenses on n1-push.yaml');
    assert.equal(describeLenses(await codeLenses(vscode.Uri.file(wsFile(HOSTILE_FILE)))), '(none)');
  });

  for (const hostile of HOSTILE_NODES) {
    it(`planning node ${hostile} passes it as one argument and creates no file`, async () => {
      const ended = taskEnd((t) => t.definition.node === hostile);
      const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>(PLAN_NODE_COMMAND, wsFile('site-config/manifests/hostile.yaml'), hostile);
      assert.ok(execution, 'the command started a task');
      const exitCode = await ended;
      assert.deepEqual(markers(), [], 'a hostile node name ran a command');
      assert.equal(typeof exitCode, 'number', 'the task ran to its end');
      assert.ok(execution.task.execution instanceof vscode.ProcessExecution, 'the task starts its program directly, without a shell');
    });
  }

  it('planning the manifest with a hostile file name creates no file', async () => {
    const ended = taskEnd((t) => String(t.definition.manifest).includes('pwned-file'));
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>(PLAN_NODE_COMMAND, wsFile(HOSTILE_FILE));
    assert.ok(execution, 'the command started a task');
    await ended;
    assert.deepEqual(markers(), [], 'a hostile file name ran a command');
  });
});
