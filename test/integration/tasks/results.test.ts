import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, domClick, screenshot, selectors, sleep, waitForDomText, waitForNotification } from '../harness';
import { answeringModals, argvLog, describeLenses, taskEnd, waitForCall, waitForLenses, wsFile } from './util';

const TASK_TYPE = 'proxmox-iac';

async function runToEnd(command: string, arg: unknown, match: (t: vscode.Task) => boolean): Promise<number | undefined> {
  const ended = taskEnd((t) => t.definition.type === TASK_TYPE && t.execution instanceof vscode.ProcessExecution && match(t), 120_000);
  const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>(command, arg);
  assert.ok(execution, `${command} started no task`);
  return ended;
}

async function waitForDiagnostics(uri: vscode.Uri, predicate: (ds: readonly vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 30_000): Promise<readonly vscode.Diagnostic[]> {
  const until = Date.now() + timeoutMs;
  let seen: readonly vscode.Diagnostic[] = [];
  while (Date.now() < until) {
    seen = vscode.languages.getDiagnostics(uri);
    if (predicate(seen)) return seen;
    await sleep(100);
  }
  assert.fail(`${what} within ${timeoutMs} ms; diagnostics: ${JSON.stringify(seen.map((d) => `${d.range.start.line + 1}: ${d.message}`))}`);
}

describe('What a run shows: problems, the plan summary and document, state locks', function () {
  this.timeout(180_000);
  before(async () => {
    await activateExtension();
    assert.ok(process.env.PROXMOX_IAC_TEST_REAL_TERRAFORM, 'Neither terraform nor tofu is on PATH: these tests run the real tool. Install Terraform or OpenTofu.');
  });

  it('a terraform error lands in the Problems view on its file and line (screenshot)', async () => {
    const uri = vscode.Uri.file(wsFile('broken/main.tf'));
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'the file has problems before any run');
    const exitCode = await runToEnd('proxmoxIac.plan', { file: uri.fsPath }, (t) => t.definition.dir === 'broken' && t.definition.action === 'plan');
    assert.notEqual(exitCode, 0, 'terraform plan succeeded on a broken configuration');
    const ds = await waitForDiagnostics(uri, (d) => d.length > 0, 'a problem on broken/main.tf');
    assert.equal(ds.length, 1, JSON.stringify(ds));
    assert.equal(ds[0].range.start.line, 5, 'the problem is on line 6, where var.undeclared is used');
    assert.equal(ds[0].message, 'Reference to undeclared input variable');
    assert.equal(ds[0].severity, vscode.DiagnosticSeverity.Error);
    // The same name in another folder stays clean: the path is the task's folder, not a guess.
    assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(wsFile('infra/main.tf'))), []);
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('tasks-problem-from-terraform');
  });

  it('after a plan, a notification sums it up and "Show Plan" opens the coloured plan document (screenshots)', async () => {
    const dir = { file: wsFile('planned/main.tf') };
    assert.equal(await runToEnd('proxmoxIac.init', dir, (t) => t.definition.dir === 'planned' && t.definition.action === 'init'), 0, 'terraform init failed');
    assert.equal(await runToEnd('proxmoxIac.plan', dir, (t) => t.definition.dir === 'planned' && t.definition.action === 'plan'), 0, 'terraform plan failed');
    const message = await waitForNotification('Plan of planned:');
    assert.equal(message, 'Plan of planned: 3 to add, 0 to change, 0 to destroy.');
    await screenshot('tasks-plan-summary');
    const opened = new Promise<vscode.TextEditor>((resolve) => {
      const sub = vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e?.document.uri.scheme !== 'proxmox-plan') return;
        sub.dispose();
        resolve(e);
      });
    });
    await domClick(selectors.notificationButtons, 'Show Plan');
    const editor = await opened;
    assert.equal(editor.document.languageId, 'proxmox-plan');
    const text = editor.document.getText();
    assert.match(text, /# terraform_data\.web will be created/);
    assert.match(text, /\+ resource "terraform_data" "db" \{/);
    assert.match(text, /Plan: 3 to add, 0 to change, 0 to destroy\./);
    assert.ok(!text.includes('\u001b['), 'colour codes are left in the document');
    // Coloured by the grammar (syntaxes/proxmox-plan.tmLanguage.json): the created resource's line is not in
    // the default text colour (mtk1) once tokenized. (The editor renders spaces as U+00A0, which \s matches.)
    await waitForDomText('.monaco-editor .view-line span[class^="mtk"]:not(.mtk1)', /resource\s"terraform_data"\s"db"/);
    await screenshot('tasks-plan-document');
    await vscode.commands.executeCommand('notifications.clearAll');
    // The apply question names what the plan showed; cancelled, nothing is applied.
    const asked = await answeringModals(undefined, () => vscode.commands.executeCommand('proxmoxIac.apply', dir));
    assert.match(asked.questions[0]?.text ?? '', /Apply the saved plan of planned .*The last plan: 3 to add, 0 to change, 0 to destroy\.$/);
    assert.ok(!fs.existsSync(wsFile('planned/terraform.tfstate')), 'a cancelled apply wrote state');
  });

  it('Clan Terranix workspaces (seed 001) run scripts/terraform.sh <workspace> plan under the state lock', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: TASK_TYPE });
    const names = tasks.map((t) => t.name);
    for (const expected of ['Plan shared (Clan Terranix)', 'Apply shared (Clan Terranix)', 'Plan web-server (Clan Terranix)', 'Apply web-server (Clan Terranix)']) {
      assert.ok(names.includes(expected), `"${expected}" is not in Run Task's list:\n${names.join('\n')}`);
    }
    assert.equal(await runToEnd('proxmoxIac.plan', { file: wsFile('clan/machines/web-server/infrastructure.nix') }, (t) => t.definition.workspace === 'web-server'), 0);
    const call = await waitForCall((a) => a[0] === 'terraform.sh' && a[1] === 'web-server', 'scripts/terraform.sh web-server plan');
    assert.deepEqual(call, ['terraform.sh', 'web-server', 'plan', 'lock-held']);
    assert.ok(!fs.existsSync(wsFile('clan/terraform-state/machines/web-server/.terraform-state.lock')), 'the lock outlived the run');
    await waitForNotification('Plan of web-server: 1 to add, 0 to change, 0 to destroy.');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('a held state lock is shown with its owner and refuses the run; "Force Unlock…" asks for the lock ID', async () => {
    const lockFile = wsFile('clan/terraform-state/shared/.terraform-state.lock');
    fs.mkdirSync(wsFile('clan/terraform-state/shared'), { recursive: true });
    fs.writeFileSync(lockFile, JSON.stringify({ id: 'ci-4711', who: 'bob@ci-runner', operation: 'apply', created: '2026-12-02T06:00:00Z' }));
    const before = argvLog().length;
    const exitCode = await runToEnd('proxmoxIac.plan', { kind: 'clan', workspace: 'shared' }, (t) => t.definition.workspace === 'shared');
    assert.equal(exitCode, 1);
    assert.equal(argvLog().length, before, 'the script ran although the state was locked');
    const message = await waitForNotification('The state of shared is locked');
    assert.match(message, /held by bob@ci-runner for apply since 2026-12-02T06:00:00Z; lock ID ci-4711/);
    // A wrong ID removes nothing; the right one removes the lock.
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.showInputBox;
    const answers = ['wrong', 'ci-4711'];
    const prompts: string[] = [];
    w.showInputBox = (o: vscode.InputBoxOptions) => {
      prompts.push(o.prompt ?? '');
      return Promise.resolve(answers.shift());
    };
    try {
      await domClick(selectors.notificationButtons, 'Force Unlock…');
      const until = Date.now() + 20_000;
      while (prompts.length < 1 && Date.now() < until) await sleep(100);
      assert.match(prompts[0] ?? '', /Type the lock ID to confirm/);
      await sleep(300);
      assert.ok(fs.existsSync(lockFile), 'a wrong lock ID removed the lock');
      // Again, now with the right ID.
      const again = runToEnd('proxmoxIac.plan', { kind: 'clan', workspace: 'shared' }, (t) => t.definition.workspace === 'shared');
      await again;
      await waitForNotification('The state of shared is locked');
      await domClick(selectors.notificationButtons, 'Force Unlock…');
      const until2 = Date.now() + 20_000;
      while (fs.existsSync(lockFile) && Date.now() < until2) await sleep(100);
      assert.ok(!fs.existsSync(lockFile), 'the confirmed force-unlock left the lock');
    } finally {
      w.showInputBox = original;
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  it('hosts.nix (seed 000): fleet lenses above _proxmox, "Plan this host" targets that host\'s VM resource', async () => {
    const uri = vscode.Uri.file(wsFile('fleet/hosts.nix'));
    // Seven lenses: the tasks' five and provisioning's two (the wizard above _proxmox, "Provision" per host);
    // sorted, as the two providers' lenses on one line may come in either order.
    const lenses = await waitForLenses(uri, (ls) => ls.length === 7, 'seven hosts.nix lenses');
    assert.deepEqual(
      lenses.map((l) => `${l.range.start.line + 1}:${l.command?.title}`).sort(),
      ['2:Apply fleet', '2:Build template', '2:Plan fleet', '2:Provision VM from Template…', '8:Apply', '8:Plan this host', '8:Provision'],
      describeLenses(lenses),
    );
    const host = lenses.find((l) => l.command?.title === 'Plan this host')!;
    await runToEnd(host.command!.command, host.command!.arguments?.[0], (t) => t.definition.kind === 'terranix' && t.definition.target === 'proxmox_virtual_environment_vm.web');
    assert.deepEqual(argvLog().filter((a) => a[0] === 'nix').at(-1), ['nix', 'run', '.#tofu-plan', '--', '-target=proxmox_virtual_environment_vm.web']);
  });
});
