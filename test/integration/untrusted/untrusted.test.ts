import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, domClick, screenshot, sleep, waitForDomText, waitForNotification, webviewTexts, workspaceDir } from '../harness';

// This suite's workspace opens in Restricted Mode (suite.mjs exports `workspaceTrust = true`). A user who
// opens a repository they have not trusted must get the safe help (YAML checks) and nothing that runs code:
// no Nix evaluation, no plan task.

const SOURCE = 'Proxmox IaC';
const PLAN_COMMAND = 'proxmoxIac.plan';
/** Longer than the Nix debounce (750 ms) and the start-up scan delay, so a Nix run would have started. */
const QUIET_MS = 3000;

function fixtureUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), rel));
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function listDiagnostics(ds: readonly vscode.Diagnostic[]): string {
  if (ds.length === 0) return '(none)';
  return ds
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${vscode.DiagnosticSeverity[d.severity]} [${String(typeof d.code === 'object' ? d.code.value : d.code)}] ${d.message}`)
    .join(' | ');
}

async function waitForDiagnostics(uri: vscode.Uri, predicate: (ds: vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  const until = Date.now() + timeoutMs;
  let seen = ours(uri);
  while (Date.now() < until) {
    seen = ours(uri);
    if (predicate(seen)) return seen;
    await sleep(50);
  }
  assert.fail(`${what} within ${timeoutMs} ms in ${path.basename(uri.fsPath)}; diagnostics were: ${listDiagnostics(seen)}`);
}

/** Every nix-instantiate call the stand-in on PATH recorded (see suite.mjs); empty when Nix never ran. */
function nixCalls(): string[] {
  const log = process.env.PROXMOX_IAC_TEST_NIX_LOG;
  assert.ok(log, 'PROXMOX_IAC_TEST_NIX_LOG is not set: run this suite through scripts/test-integration.mjs');
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** The one information diagnostic an unevaluated Nix file carries, and nothing else. */
function assertOnlyTrustNotice(ds: readonly vscode.Diagnostic[], file: string): void {
  assert.equal(ds.length, 1, `${file} should carry only the workspace-trust notice; it has: ${listDiagnostics(ds)}`);
  const [d] = ds;
  const seen = `${file} has: ${listDiagnostics(ds)}`;
  assert.equal(d.code, 'untrusted-workspace', seen);
  assert.equal(d.severity, vscode.DiagnosticSeverity.Information, seen);
  assert.match(d.message, /not trusted/);
  assert.match(d.message, /Manage Workspace Trust/, 'the message says how to fix it');
}

async function waitForWebviewFrameText(selector: string, expected: RegExp, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < until) {
    seen = await webviewTexts(selector);
    if (seen.some((t) => expected.test(t))) return;
    await sleep(200);
  }
  assert.fail(`no webview "${selector}" showing ${String(expected)} within ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`);
}

describe('An untrusted workspace runs nothing', () => {
  const hostsNix = (): vscode.Uri => fixtureUri('nixos-fleet/hosts.nix');
  const definitionsNix = (): vscode.Uri => fixtureUri('nixos-fleet/vms/definitions.nix');
  const seededManifest = (): vscode.Uri => fixtureUri('site-config/manifests/seeded-misspelled-preset.yaml');
  const manifest = (): vscode.Uri => fixtureUri('site-config/manifests/n1-push.yaml');

  before(async () => {
    await activateExtension();
  });

  it('opens the workspace untrusted (Restricted Mode), with the extension active', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the suite runner should open this workspace untrusted');
    const ext = vscode.extensions.getExtension('proxmox-iac.proxmox-iac');
    assert.ok(ext?.isActive, 'the extension supports untrusted workspaces in a limited way and must still activate');
    // What the user sees: the Restricted Mode entry in the status bar.
    await waitForDomText('.part.statusbar .statusbar-item', /Restricted Mode/);
    // The "no Nix ran" checks below are only meaningful if a Nix run would have been recorded.
    const spyDir = path.dirname(process.env.PROXMOX_IAC_TEST_NIX_LOG ?? '');
    assert.ok(
      (process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, 'nix-instantiate')) && d.startsWith(spyDir)),
      `the recording nix-instantiate is not first on the extension host's PATH: ${process.env.PATH}`,
    );
  });

  it('still checks YAML: the misspelled preset in a closed manifest is reported', async () => {
    const text = fs.readFileSync(seededManifest().fsPath, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('preset: vm-smal'));
    assert.ok(line >= 0, 'the seeded mistake is missing from the fixture');
    const ds = await waitForDiagnostics(seededManifest(), (all) => all.some((d) => d.range.start.line === line), `a problem on line ${line + 1}`);
    const problem = ds.find((d) => d.range.start.line === line)!;
    assert.match(problem.message, /vm-small/, 'the message names the closest existing preset');
  });

  it('does not evaluate hosts.nix: its only diagnostic is the workspace-trust notice, not the seeded vmid error', async () => {
    const ds = await waitForDiagnostics(hostsNix(), (all) => all.length > 0, 'a diagnostic for hosts.nix (from the start-up scan)');
    assertOnlyTrustNotice(ds, 'hosts.nix');
    assertOnlyTrustNotice(await waitForDiagnostics(definitionsNix(), (all) => all.length > 0, 'a diagnostic for definitions.nix'), 'definitions.nix');
    // The user is told once, with the fix.
    const note = await waitForNotification('does not evaluate Nix files in an untrusted workspace');
    assert.match(note, /Trust this workspace/);
    assert.deepEqual(nixCalls(), [], 'nix-instantiate ran in an untrusted workspace');
  });

  it('does not evaluate hosts.nix when the user opens it, edits it, hovers or validates the workspace', async () => {
    const doc = await vscode.workspace.openTextDocument(hostsNix());
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('vmid = 50;'));
    assert.ok(line >= 0, 'the seeded vmid is missing from the fixture');
    const at = new vscode.Position(line, doc.lineAt(line).text.indexOf('50'));
    editor.selection = new vscode.Selection(at, at);
    // Typing re-validates after the Nix debounce; the hover and definition would evaluate to answer.
    await editor.edit((e) => e.insert(new vscode.Position(line, doc.lineAt(line).text.length), ' '));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const hoverText = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.doesNotMatch(hoverText, /VMID|vmid 50|Host dev/i, 'a hover about hosts.nix content needs Nix evaluation');
    await vscode.commands.executeCommand('vscode.executeDefinitionProvider', doc.uri, at);
    await vscode.commands.executeCommand('proxmoxIac.validateWorkspace');
    await sleep(QUIET_MS);
    assertOnlyTrustNotice(ours(hostsNix()), 'hosts.nix');
    assert.ok(ours(seededManifest()).some((d) => /vm-small/.test(d.message)), 'the workspace validation still reports the YAML mistake');
    assert.deepEqual(nixCalls(), [], 'nix-instantiate ran in an untrusted workspace');

    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await sleep(500);
    await screenshot('untrusted-hosts-nix');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('refuses to plan a manifest and starts no task, even from its "Plan this node" lens', async () => {
    const doc = await vscode.workspace.openTextDocument(manifest());
    await vscode.window.showTextDocument(doc);
    // The lens is still offered (it explains itself when clicked); the command is what must refuse.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const nodeLens = lenses.find((l) => l.command?.command === PLAN_COMMAND && (l.command.arguments?.[0] as { node?: string } | undefined)?.node === 'edge');
    assert.ok(nodeLens?.command, `no "Plan this node" lens on n1-push.yaml; lenses: ${lenses.map((l) => l.command?.title).join(', ') || '(none)'}`);

    const started: string[] = [];
    const listener = vscode.tasks.onDidStartTask((e) => started.push(e.execution.task.name));
    try {
      // The command waits for the user's answer to its warning, so it is not awaited here.
      const outcome = vscode.commands.executeCommand<vscode.TaskExecution | undefined>(nodeLens.command.command, ...((nodeLens.command.arguments ?? []) as unknown[]));
      const warning = await waitForNotification('Tasks run programs from this workspace');
      assert.match(warning, /untrusted workspace/);
      assert.match(warning, /Trust the workspace to plan/);
      await screenshot('untrusted-plan-refused');
      await sleep(QUIET_MS);
      assert.deepEqual(started, [], 'a task started in an untrusted workspace');
      assert.deepEqual(vscode.tasks.taskExecutions.map((t) => t.task.name), [], 'a task is running in an untrusted workspace');
      // Dismissing the warning (the user closes it) settles the command without a task.
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await Promise.race([outcome, sleep(20_000).then(() => 'still waiting')]), undefined);
    } finally {
      listener.dispose();
    }
    assert.deepEqual(started, []);
    assert.deepEqual(nixCalls(), [], 'nix-instantiate ran in an untrusted workspace');
    // The lens says why before it is clicked.
    assert.match(nodeLens.command.tooltip ?? '', /runs nothing until you trust this workspace/);
  });


  it('refuses provisioning: the wizard, its command with arguments and "Provision" from a hosts.nix host run nothing', async () => {
    const doc = await vscode.workspace.openTextDocument(hostsNix());
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
    const lens = lenses.find((l) => l.command?.command === 'proxmoxIac.provisionFromHostsNixHost');
    assert.ok(lens?.command, `no "Provision" lens on hosts.nix; lenses: ${lenses.map((l) => l.command?.title).join(', ') || '(none)'}`);
    assert.match(lens.command.tooltip ?? '', /not available until you trust this workspace/);
    const fromHost = await vscode.commands.executeCommand<unknown>(lens.command.command, ...((lens.command.arguments ?? []) as unknown[]));
    assert.equal(fromHost, undefined);
    await waitForNotification(/"Provision from hosts\.nix Host" is not available in an untrusted workspace: it changes the cluster and your IaC files\. Trust the workspace/);
    await vscode.commands.executeCommand('notifications.clearAll');
    const wizard = await vscode.commands.executeCommand<unknown>('proxmoxIac.provisionVm', { connection: 'demo', template: 9003, name: 'web-9' });
    assert.equal(wizard, undefined);
    await waitForNotification(/"Provision VM from Template" is not available in an untrusted workspace/);
    await screenshot('untrusted-provision-refused');
    await vscode.commands.executeCommand('notifications.clearAll');
    // Opening the fleet in the graph would evaluate it: the panel explains instead.
    await vscode.commands.executeCommand('proxmoxIac.showGraph', hostsNix());
    await waitForWebviewFrameText('#message', /trust this workspace to see the fleet/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await sleep(QUIET_MS);
    assert.deepEqual(nixCalls(), [], 'nix-instantiate ran in an untrusted workspace');
  });

  // Last, because trust cannot be taken back within the session: the same files, once trusted, are evaluated.
  // This shows the fixture's seeded mistake is real and the recording nix-instantiate sees a Nix run.
  it('evaluates hosts.nix and reports the seeded vmid once the user trusts the workspace', async () => {
    const granted = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidGrantWorkspaceTrust(() => {
        listener.dispose();
        resolve();
      });
    });
    await vscode.commands.executeCommand('workbench.trust.manage');
    await domClick('.workspace-trust-editor .workspace-trust-buttons .monaco-button', 'Trust');
    await Promise.race([granted, sleep(30_000).then(() => assert.fail('trust was not granted within 30 s of clicking "Trust"'))]);
    assert.equal(vscode.workspace.isTrusted, true);

    const text = fs.readFileSync(hostsNix().fsPath, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('vmid = 50;'));
    const ds = await waitForDiagnostics(hostsNix(), (all) => all.some((d) => d.code === 'nix-vmid-range'), 'the seeded vmid error', 45_000);
    const vmid = ds.find((d) => d.code === 'nix-vmid-range')!;
    assert.equal(vmid.range.start.line, line, `the error is on the vmid line: ${listDiagnostics(ds)}`);
    assert.match(vmid.message, /vmid 50/);
    assert.ok(!ds.some((d) => d.code === 'untrusted-workspace'), `the trust notice is gone: ${listDiagnostics(ds)}`);
    assert.ok(nixCalls().length > 0, 'the recording nix-instantiate saw no call, so the checks above would prove nothing');
    // What the user sees: the Problems panel now lists the vmid error instead of the trust notice.
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await waitForDomText('.markers-panel .monaco-list-row', /vmid 50 is outside/);
    await screenshot('trusted-after-grant');
  });
});
