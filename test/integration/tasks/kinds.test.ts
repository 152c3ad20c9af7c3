import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, sleep, waitForNotification } from '../harness';
import { answeringModals, argvLog, codeLenses, describeLenses, markers, taskEnd, waitForCall, waitForLenses, wsFile } from './util';

const TASK_TYPE = 'proxmox-iac';

function ours(task: vscode.Task): boolean {
  return task.definition.type === TASK_TYPE;
}

/** Runs a command that starts one of our tasks and waits for that task's process to end. */
async function runToEnd(command: string, arg: unknown, match: (t: vscode.Task) => boolean): Promise<{ execution: vscode.TaskExecution; exitCode: number | undefined }> {
  const ended = taskEnd((t) => ours(t) && t.execution instanceof vscode.ProcessExecution && match(t), 120_000);
  const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>(command, arg);
  assert.ok(execution, `${command} started no task`);
  return { execution, exitCode: await ended };
}

describe('Tasks for every workspace kind', function () {
  // Each test waits for real processes; a loaded 2-core machine needs more than mocha's default.
  this.timeout(180_000);
  before(async () => {
    await activateExtension();
    assert.ok(
      process.env.PROXMOX_IAC_TEST_REAL_TERRAFORM,
      'Neither terraform nor tofu is on PATH: these tests run the real tool on terraform_data fixtures. Install Terraform or OpenTofu.',
    );
  });

  it('Run Task lists plan, apply and destroy for each kind found, in its folder', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: TASK_TYPE });
    const names = tasks.map((t) => t.name);
    const seen = names.join('\n');
    for (const expected of [
      'Plan n1-push on father (iac-driver)',
      'Apply n1-push on father (iac-driver)',
      'Destroy n1-push on father (iac-driver)',
      'Test n1-push on father (iac-driver)',
      'Init infra (OpenTofu/Terraform)',
      'Plan infra (OpenTofu/Terraform)',
      'Apply infra (OpenTofu/Terraform)',
      'Destroy infra (OpenTofu/Terraform)',
      'Validate infra (OpenTofu/Terraform)',
      'Plan vms (OpenTofu/Terraform)',
      'Plan fleet (Terranix)',
      'Apply fleet (Terranix)',
      'Build template fleet (Terranix)',
      'Plan talos (Taskfile)',
      'Destroy talos (Taskfile)',
    ]) {
      assert.ok(names.includes(expected), `"${expected}" is not in Run Task's list:\n${seen}`);
    }
    assert.ok(!names.some((n) => n.includes('pwned')), `a task is offered for a manifest with a hostile file name:\n${seen}`);
    // What runs: a program with an argument array (never a shell); destructive entries ask first.
    const plan = tasks.find((t) => t.name === 'Plan infra (OpenTofu/Terraform)')!;
    assert.ok(plan.execution instanceof vscode.ProcessExecution);
    // The extension's tool runner (Node) starts the tool with exactly this argv, still without a shell.
    const sep = plan.execution.args.indexOf('--');
    assert.match(plan.execution.args[0], /tool-runner\.js$/);
    assert.match(plan.execution.args[sep + 1], /terraform$/);
    assert.deepEqual(plan.execution.args.slice(sep + 2), ['plan', '-input=false', '-out=.proxmox-iac.tfplan']);
    assert.equal(plan.execution.options?.cwd, wsFile('infra'));
    assert.ok(tasks.find((t) => t.name === 'Destroy infra (OpenTofu/Terraform)')!.execution instanceof vscode.CustomExecution, 'destroy from Run Task asks before it runs');
  });

  it('inits, plans and applies the terraform_data fixture with the real terraform, asking before the apply', async function () {
    this.timeout(180_000);
    const infra = { file: wsFile('infra/main.tf') };
    const init = await runToEnd('proxmoxIac.init', infra, (t) => t.definition.action === 'init');
    assert.equal(init.exitCode, 0, 'terraform init failed (see the terminal)');
    const plan = await runToEnd('proxmoxIac.plan', infra, (t) => t.definition.action === 'plan');
    assert.equal(plan.exitCode, 0, 'terraform plan failed');
    assert.ok(fs.existsSync(wsFile('infra/.proxmox-iac.tfplan')), 'the plan was saved for the apply');

    // Cancelling the confirmation applies nothing.
    const cancelled = await answeringModals(undefined, () => vscode.commands.executeCommand<vscode.TaskExecution | undefined>('proxmoxIac.apply', infra));
    assert.equal(cancelled.result, undefined);
    assert.equal(cancelled.questions.length, 1);
    assert.match(cancelled.questions[0].text, /Apply the saved plan of infra/);
    assert.deepEqual(cancelled.questions[0].buttons, ['Apply']);
    assert.ok(!fs.existsSync(wsFile('infra/terraform.tfstate')), 'state written although the apply was cancelled');

    const ended = taskEnd((t) => ours(t) && t.definition.action === 'apply', 120_000);
    const applied = await answeringModals('Apply', () => vscode.commands.executeCommand<vscode.TaskExecution | undefined>('proxmoxIac.apply', infra));
    assert.ok(applied.result, 'the confirmed apply started a task');
    assert.equal(await ended, 0, 'terraform apply failed');
    const state = JSON.parse(fs.readFileSync(wsFile('infra/terraform.tfstate'), 'utf8')) as { resources: { type: string; name: string }[] };
    assert.deepEqual(state.resources.map((r) => `${r.type}.${r.name}`).sort(), ['terraform_data.dns', 'terraform_data.vm']);
    assert.ok(argvLog().some((a) => a.join(' ') === 'terraform apply -input=false -auto-approve .proxmox-iac.tfplan'), 'the saved plan was applied');
  });

  it('"Plan this VM" runs a plan with -target of that resource', async () => {
    const uri = vscode.Uri.file(wsFile('vms/main.tf'));
    const lenses = await waitForLenses(uri, (ls) => ls.length === 2, 'two "Plan this VM" lenses (bpg and Telmate)');
    const web = lenses.find((l) => l.command?.tooltip?.includes('proxmox_virtual_environment_vm.web'));
    assert.ok(web?.command, `no lens for proxmox_virtual_environment_vm.web: ${describeLenses(lenses)}`);
    assert.equal(web.command.title, 'Plan this VM');
    assert.equal(web.range.start.line, 8, 'the lens sits on the resource line');
    await runToEnd(web.command.command, web.command.arguments?.[0], (t) => t.definition.target === 'proxmox_virtual_environment_vm.web');
    await waitForCall((a) => a[0] === 'terraform' && a[1] === 'plan', 'a terraform plan');
    const call = argvLog().filter((a) => a[1] === 'plan').at(-1)!;
    assert.deepEqual(call, ['terraform', 'plan', '-input=false', '-out=.proxmox-iac.tfplan', '-target=proxmox_virtual_environment_vm.web']);
  });

  it('"Plan this node" runs iac-driver create --dry-run on that node and the nodes under it', async () => {
    const uri = vscode.Uri.file(wsFile('site-config/manifests/n1-push.yaml'));
    const lenses = await waitForLenses(uri, (ls) => ls.length >= 6, 'manifest and node lenses');
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Plan all', 'Test', 'Show Graph', 'Plan this node', 'Apply', 'Destroy']);
    const node = lenses.find((l) => l.command?.title === 'Plan this node')!;
    await runToEnd(node.command!.command, node.command!.arguments?.[0], (t) => t.definition.node === 'edge');
    const call = await waitForCall((a) => a[0] === 'run.sh' && a.some((x) => x.startsWith('--manifest-json=')), 'a run.sh call with --manifest-json');
    assert.equal(call[1], 'create');
    const manifest = JSON.parse(call[2].slice('--manifest-json='.length)) as { nodes: { name: string }[] };
    assert.deepEqual(manifest.nodes.map((n) => n.name), ['edge']);
    assert.deepEqual(call.slice(3), ['--host=father', '--dry-run', `HOMESTAK_SITE_CONFIG=${wsFile('site-config')}`]);

    const all = lenses.find((l) => l.command?.title === 'Plan all')!;
    await runToEnd(all.command!.command, all.command!.arguments?.[0], (t) => t.definition.manifest === 'n1-push' && !t.definition.node);
    assert.deepEqual(argvLog().filter((a) => a[0] === 'run.sh').at(-1), ['run.sh', 'create', '--manifest=n1-push', '--host=father', '--dry-run', `HOMESTAK_SITE_CONFIG=${wsFile('site-config')}`]);
  });

  it('Destroy on a node asks, then passes --yes; cancelled, it runs nothing', async () => {
    const file = wsFile('site-config/manifests/n1-push.yaml');
    const before = argvLog().length;
    const cancelled = await answeringModals(undefined, () => vscode.commands.executeCommand('proxmoxIac.destroy', { file, kind: 'iac-driver', node: 'edge' }));
    assert.match(cancelled.questions[0]?.text ?? '', /Destroy node edge of manifest n1-push on host father\?/);
    await sleep(500);
    assert.equal(argvLog().length, before, 'a cancelled destroy ran');
    const ended = taskEnd((t) => ours(t) && t.definition.action === 'destroy');
    await answeringModals('Destroy', () => vscode.commands.executeCommand('proxmoxIac.destroy', { file, kind: 'iac-driver', node: 'edge' }));
    await ended;
    const call = argvLog().filter((a) => a[0] === 'run.sh').at(-1)!;
    assert.equal(call[1], 'destroy');
    assert.ok(call.includes('--yes'), `destroy ran without --yes after the confirmation: ${call.join(' ')}`);
  });

  it('Terranix and Taskfile workspaces run nix run .#tofu-plan and task infra:plan', async () => {
    await runToEnd('proxmoxIac.plan', { file: wsFile('fleet/hosts.nix') }, (t) => t.definition.kind === 'terranix');
    assert.deepEqual(argvLog().filter((a) => a[0] === 'nix').at(-1), ['nix', 'run', '.#tofu-plan']);
    await runToEnd('proxmoxIac.plan', { file: wsFile('talos/Taskfile.yml'), kind: 'taskfile' }, (t) => t.definition.kind === 'taskfile');
    assert.deepEqual(argvLog().filter((a) => a[0] === 'task').at(-1), ['task', 'infra:plan']);
  });

  it('a missing tool gives one sentence naming what to install, and opens no terminal', async () => {
    const config = vscode.workspace.getConfiguration('proxmoxIac');
    const previous = config.get<string>('tasks.tofuPath');
    await config.update('tasks.tofuPath', '/nonexistent/bin/tofu', vscode.ConfigurationTarget.Global);
    const started: string[] = [];
    const listener = vscode.tasks.onDidStartTask((e) => started.push(e.execution.task.name));
    try {
      const outcome = vscode.commands.executeCommand('proxmoxIac.plan', { file: wsFile('infra/main.tf') });
      const message = await waitForNotification('install OpenTofu');
      assert.match(message, /^`\/nonexistent\/bin\/tofu` was not found: install OpenTofu/);
      assert.match(message, /Tofu Path/);
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await outcome, undefined);
      assert.deepEqual(started, [], 'a terminal opened for a missing tool');
    } finally {
      listener.dispose();
      await config.update('tasks.tofuPath', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('a hostile host in the settings is refused, and a hostile target gets no task', async () => {
    const config = vscode.workspace.getConfiguration('proxmoxIac');
    await config.update('tasks.host', 'a;touch${IFS}pwned-host', vscode.ConfigurationTarget.Global);
    try {
      const outcome = vscode.commands.executeCommand('proxmoxIac.plan', { file: wsFile('site-config/manifests/n1-push.yaml') });
      assert.match(await waitForNotification('cannot be passed to a task'), /host name/);
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await outcome, undefined);
    } finally {
      await config.update('tasks.host', undefined, vscode.ConfigurationTarget.Global);
    }
    const outcome = vscode.commands.executeCommand('proxmoxIac.plan', { file: wsFile('infra/main.tf'), target: 'x.y;touch${IFS}pwned-target' });
    await waitForNotification('is not a resource address');
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await outcome, undefined);
    assert.deepEqual(markers(), []);
    assert.equal(describeLenses(await codeLenses(vscode.Uri.file(wsFile('site-config/manifests/n$(touch${IFS}pwned-file).yaml')))), '(none)');
  });
});
