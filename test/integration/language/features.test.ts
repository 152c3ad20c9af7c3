import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, screenshot, sleep, waitForDomText, workspaceDir } from '../harness';
import { fileText, hoverText, isError, positionOf, siteFile, siteUri, waitForDiagnostics } from './util';

const CODE_LENS_SETTING = 'codeLens.enabled';

async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // Lenses are computed on an open text model, as for an editor showing the file.
  await vscode.workspace.openTextDocument(uri);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

/** Polls the code lenses until `predicate` holds (a settings change reaches the provider asynchronously). */
async function waitForLenses(uri: vscode.Uri, predicate: (lenses: vscode.CodeLens[]) => boolean, what: string): Promise<vscode.CodeLens[]> {
  const until = Date.now() + 30_000;
  let lenses: vscode.CodeLens[] = [];
  while (Date.now() < until) {
    lenses = await codeLenses(uri);
    if (predicate(lenses)) return lenses;
    await sleep(100);
  }
  assert.fail(`${what}; lenses were: ${lenses.map((l) => `${l.range.start.line + 1}: ${l.command?.title ?? '(unresolved)'}`).join(', ') || '(none)'}`);
}

describe('Hover, completion, definition and plan lenses', () => {
  before(async () => {
    await activateExtension();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('proxmoxIac').update(CODE_LENS_SETTING, undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows the resolved configuration when hovering a node name', async () => {
    const rel = 'manifests/n2-push.yaml';
    const at = positionOf(fileText(rel), 'name: edge').translate(0, 'name: '.length + 1);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', siteUri(rel), at);
    const text = hoverText(hovers);
    // edge uses preset vm-small (cores 2, memory 2048, disk 10): the hover says so and where it came from.
    assert.match(text, /vm-small/, `hover: ${text}`);
    assert.match(text, /2048/, `hover: ${text}`);
    assert.match(text, /cores/i, `hover: ${text}`);
  });

  it('shows the target preset when hovering a preset reference', async () => {
    const rel = 'manifests/n1-push.yaml';
    const at = positionOf(fileText(rel), 'vm-small').translate(0, 2);
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', siteUri(rel), at));
    assert.match(text, /2048/, `hover: ${text}`);
  });

  it('offers the existing preset names after "preset: "', async () => {
    const uri = siteUri('manifests/typing.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = positionOf(doc.getText(), 'preset: vm-small').line;
    const original = doc.lineAt(line).text;
    const keyEnd = original.indexOf('preset:') + 'preset:'.length;
    try {
      // The user has just typed "preset: " and waits for suggestions.
      await editor.edit((e) => e.replace(new vscode.Range(line, keyEnd, line, original.length), ' '));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, keyEnd + 1), ' ');
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const preset of ['vm-small', 'vm-medium', 'vm-large']) assert.ok(labels.includes(preset), `${preset} missing from ${labels.join(', ')}`);
      assert.ok(!labels.includes('base'), 'spec names are not offered as presets');
    } finally {
      await editor.edit((e) => e.replace(doc.lineAt(line).range, original));
      await doc.save();
    }
  });

  it('completes right after "preset:" with the space YAML needs', async () => {
    const uri = siteUri('manifests/typing.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = positionOf(doc.getText(), 'preset: vm-small').line;
    const original = doc.lineAt(line).text;
    const keyEnd = original.indexOf('preset:') + 'preset:'.length;
    try {
      await editor.edit((e) => e.replace(new vscode.Range(line, keyEnd, line, original.length), ''));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, keyEnd), ':');
      const item = list.items.find((i) => i.label === 'vm-small');
      assert.ok(item, `vm-small offered after "preset:"; got ${list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).join(', ')}`);
      // Accepting it as VS Code would: the item's text over the item's range.
      const range = item.range instanceof vscode.Range ? item.range : (item.range?.replacing ?? new vscode.Range(line, keyEnd, line, keyEnd));
      const insert = typeof item.insertText === 'string' ? item.insertText : (item.insertText?.value ?? 'vm-small');
      await editor.edit((e) => e.replace(range, insert));
      assert.equal(doc.lineAt(line).text, original, 'the line reads "preset: vm-small" again');
    } finally {
      await editor.edit((e) => e.replace(doc.lineAt(line).range, original));
      await doc.save();
    }
  });

  it('goes from a preset reference to the preset file', async () => {
    const rel = 'manifests/n1-push.yaml';
    const at = positionOf(fileText(rel), 'vm-small').translate(0, 3);
    const targets = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', siteUri(rel), at);
    const files = targets.map((t) => ('targetUri' in t ? t.targetUri : t.uri).fsPath);
    assert.ok(files.includes(siteFile('presets/vm-small.yaml')), `definition went to: ${files.join(', ') || '(nowhere)'}`);
  });

  it('goes from a parent value to the parent node in the same manifest', async () => {
    const rel = 'manifests/n2-push.yaml';
    const text = fileText(rel);
    const at = positionOf(text, 'parent: root-pve').translate(0, 'parent: '.length + 2);
    const targets = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', siteUri(rel), at);
    const target = targets[0];
    assert.ok(target, 'a definition was found');
    const [uri, range] = 'targetUri' in target ? [target.targetUri, target.targetSelectionRange ?? target.targetRange] : [target.uri, target.range];
    assert.equal(uri.fsPath, siteFile(rel));
    assert.equal(range.start.line, positionOf(text, '- name: root-pve').line, 'it lands on the root-pve node');
  });

  it('shows a fleet VM\'s settings when hovering its proxmox attribute in hosts.nix', async () => {
    const file = path.join(workspaceDir(), 'nixos-fleet', 'hosts.nix');
    const text = fs.readFileSync(file, 'utf8');
    const at = positionOf(text, '    proxmox = {').translate(0, 6);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', vscode.Uri.file(file), at);
    const shown = hoverText(hovers);
    assert.match(shown, /vmid/, `hover: ${shown}`);
    assert.match(shown, /104/, `hover: ${shown}`);
  });

  it('puts "Plan all" · "Test" · "Show Graph" above a manifest and "Plan this node" · "Apply" · "Destroy" above each node, and none when switched off', async () => {
    const rel = 'manifests/n2-push.yaml';
    const uri = siteUri(rel);
    const text = fileText(rel);
    const lenses = await waitForLenses(uri, (ls) => ls.length >= 9, 'expected nine lenses');
    const titles = lenses.map((l) => l.command?.title);
    assert.equal(titles.filter((t) => t === 'Plan all').length, 1, `titles: ${titles.join(', ')}`);
    assert.equal(titles.filter((t) => t === 'Test').length, 1, `titles: ${titles.join(', ')}`);
    const graphLens = lenses.filter((l) => l.command?.title === 'Show Graph');
    assert.equal(graphLens.length, 1, `titles: ${titles.join(', ')}`);
    assert.equal(graphLens[0].command?.command, 'proxmoxIac.showGraph');
    assert.deepEqual(graphLens[0].command?.arguments?.[0], { file: siteFile(rel) });
    assert.equal(titles.filter((t) => t === 'Apply').length, 2, `titles: ${titles.join(', ')}`);
    assert.equal(titles.filter((t) => t === 'Destroy').length, 2, `titles: ${titles.join(', ')}`);
    const nodeOf = (l: vscode.CodeLens) => (l.command?.arguments?.[0] as { file: string; node?: string }).node;
    const nodeLenses = lenses.filter((l) => l.command?.title === 'Plan this node');
    assert.deepEqual(nodeLenses.map(nodeOf).sort(), ['edge', 'root-pve']);
    // Each node lens sits on its node's line, so it reads as belonging to that node.
    const edgeLens = nodeLenses.find((l) => nodeOf(l) === 'edge')!;
    assert.equal(edgeLens.range.start.line, positionOf(text, '- name: edge').line);
    assert.equal(edgeLens.command?.command, 'proxmoxIac.plan');
    assert.deepEqual(edgeLens.command?.arguments?.[0], { file: siteFile(rel), kind: 'iac-driver', node: 'edge' });

    await vscode.workspace.getConfiguration('proxmoxIac').update(CODE_LENS_SETTING, false, vscode.ConfigurationTarget.Global);
    await waitForLenses(uri, (ls) => ls.length === 0, 'lenses still shown after proxmoxIac.codeLens.enabled was set to false');
    await vscode.workspace.getConfiguration('proxmoxIac').update(CODE_LENS_SETTING, undefined, vscode.ConfigurationTarget.Global);
    await waitForLenses(uri, (ls) => ls.length >= 9, 'lenses back after the setting was reset');
  });

  it('keeps the lenses where they are while a half-typed edit leaves the YAML unparsable', async () => {
    const uri = siteUri('manifests/typing.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const before = await waitForLenses(uri, (ls) => ls.length === 9, 'expected nine lenses on typing.yaml');
    const lines = (ls: vscode.CodeLens[]) => ls.map((l) => `${l.range.start.line}:${l.command?.title ?? ''}`);
    const typeLine = positionOf(doc.getText(), 'type: vm').line;
    const valueAt = new vscode.Position(typeLine, doc.lineAt(typeLine).text.indexOf('vm'));
    try {
      // The user starts a flow sequence: `type: [vm` does not parse until the `]` is typed.
      await editor.edit((e) => e.insert(valueAt, '['));
      await waitForDiagnostics(uri, (ds) => ds.some((d) => d.code === 'yaml-syntax' || /syntax/i.test(d.message)), 'a syntax error while the edit is half done');
      assert.deepEqual(lines(await codeLenses(uri)), lines(before));
    } finally {
      await editor.edit((e) => e.delete(new vscode.Range(valueAt, valueAt.translate(0, 1))));
      await doc.save();
    }
    assert.deepEqual(lines(await codeLenses(uri)), lines(before));
  });

  it('"Show Resolved Configuration" runs the resolve task and it succeeds', async () => {
    const manifest = siteFile('manifests/n2-push.yaml');
    const ended = new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.type !== 'proxmoxIac-plan') return;
        sub.dispose();
        resolve(e.exitCode);
      });
    });
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>('proxmoxIac.planNode', manifest, 'edge');
    assert.ok(execution, 'the command started a task');
    assert.equal(execution.task.definition.node, 'edge');
    assert.equal(execution.task.definition.manifest, 'n2-push');
    // An argv array handed to the program directly, never one command string read by a shell.
    const process = execution.task.execution;
    assert.ok(process instanceof vscode.ProcessExecution, 'the task starts its program without a shell');
    assert.deepEqual(process.args.slice(1), ['resolve', '--site-config', siteFile(''), '--manifest', 'n2-push', '--node', 'edge'].map((a) => a.replace(/\/$/, '')));
    // The task starts Node and the CLI: seconds on a loaded machine (the mocha timeout is 60 s).
    const timeout = sleep(45_000).then(() => 'timeout' as const);
    const exitCode = await Promise.race([ended, timeout]);
    assert.equal(exitCode, 0, 'proxmox-iac resolve exited with 0');
  });

  it('shows squiggles, the Problems panel and a hover in the editor (screenshot)', async () => {
    const rel = 'manifests/seeded-unknown-parent.yaml';
    const uri = siteUri(rel);
    await waitForDiagnostics(uri, (ds) => ds.some(isError), 'the unknown parent error');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preserveFocus: false });
    const at = positionOf(fileText(rel), 'name: edge').translate(0, 'name: '.length + 1);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    // The lenses render above the nodes (the line the cursor is on must not move when they arrive).
    await waitForDomText('.monaco-editor .codelens-decoration', /Plan this node/);
    await vscode.commands.executeCommand('editor.action.showHover');
    // What the user sees: the hover with the resolved configuration, and the problem listed in the panel.
    await waitForDomText('.monaco-hover', /vm-small/);
    await waitForDomText('.markers-panel .monaco-list-row', /root-pv/);
    const png = await screenshot('diagnostics-and-hover');
    assert.ok(png, 'a screenshot was written');
  });
});
