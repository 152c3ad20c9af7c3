import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, workspaceDir } from '../harness';
import { describeDiagnostics, fileText, isError, ourDiagnostics, positionOf, siteFile, siteUri, startsAt, waitForDiagnostics } from './util';

describe('Diagnostics in the Problems panel', () => {
  before(async () => {
    await activateExtension();
  });

  // None of these files is opened: their problems come from the workspace scan after start-up.
  it('reports an unknown parent on the parent value of a closed file', async () => {
    const rel = 'manifests/seeded-unknown-parent.yaml';
    const at = positionOf(fileText(rel), 'root-pv\n');
    const [hit] = (await waitForDiagnostics(siteUri(rel), (ds) => ds.some((d) => startsAt(d, at) && isError(d)), `an error at ${at.line + 1}:${at.character + 1}`)).filter((d) => startsAt(d, at));
    assert.match(hit.message, /root-pv/);
    assert.equal(hit.source, 'Proxmox IaC');
  });

  it('reports a duplicate VMID on the repeated vmid value', async () => {
    const rel = 'manifests/seeded-duplicate-vmid.yaml';
    const text = fileText(rel);
    const first = positionOf(text, '99211');
    const second = positionOf(text, '99211', 1);
    const ds = await waitForDiagnostics(siteUri(rel), (all) => all.some((d) => isError(d) && (startsAt(d, second) || startsAt(d, first))), 'a duplicate-VMID error on a vmid value');
    const dup = ds.find((d) => startsAt(d, second)) ?? ds.find((d) => startsAt(d, first));
    assert.match(dup!.message, /99211/);
  });

  it('reports a node type outside the enum on the type value', async () => {
    const rel = 'manifests/seeded-bad-enum.yaml';
    const at = positionOf(fileText(rel), 'container');
    const ds = await waitForDiagnostics(siteUri(rel), (all) => all.some((d) => startsAt(d, at) && isError(d)), `an error at ${at.line + 1}:${at.character + 1}`);
    assert.match(ds.find((d) => startsAt(d, at))!.message, /vm|ct|pve/);
  });

  it('reports a misspelled preset with a "Did you mean" quick fix that removes the problem once applied', async () => {
    const rel = 'manifests/seeded-misspelled-preset.yaml';
    const uri = siteUri(rel);
    const at = positionOf(fileText(rel), 'vm-smal\n');
    const ds = await waitForDiagnostics(uri, (all) => all.some((d) => startsAt(d, at)), `a problem at ${at.line + 1}:${at.character + 1}`);
    const problem = ds.find((d) => startsAt(d, at))!;
    assert.match(problem.message, /vm-small/, 'the message names the closest existing preset');

    // Code actions are computed on an open text model, as when the user clicks the light bulb.
    const doc = await vscode.workspace.openTextDocument(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, problem.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => /vm-small/.test(a.title));
    assert.ok(fix, `no quick fix mentions vm-small; offered: ${actions.map((a) => a.title).join(', ') || '(none)'}`);
    assert.equal(fix.isPreferred, true, 'the suggestion is the preferred fix (Ctrl+. Enter / auto-fix)');
    assert.ok(fix.edit, 'the fix carries an edit');

    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.match(doc.lineAt(at.line).text, /preset: vm-small$/);
    await waitForDiagnostics(uri, (all) => !all.some((d) => d.range.start.line === at.line), 'the preset problem to disappear');
    await doc.save();
  });

  it('warns about a schema_version 1 manifest and converts it to schema_version 2 with its quick fix', async () => {
    const rel = 'manifests/legacy-v1.yaml';
    const uri = siteUri(rel);
    const at = positionOf(fileText(rel), 'schema_version: 1');
    const ds = await waitForDiagnostics(uri, (all) => all.some((d) => startsAt(d, at)), `a deprecation warning at ${at.line + 1}:${at.character + 1}`);
    const warning = ds.find((d) => startsAt(d, at))!;
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(warning.tags?.includes(vscode.DiagnosticTag.Deprecated), 'the legacy key is shown struck through');
    assert.ok(!ds.some(isError), `a valid v1 manifest has no errors: ${describeDiagnostics(ds)}`);

    const doc = await vscode.workspace.openTextDocument(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, warning.range, vscode.CodeActionKind.QuickFix.value);
    const convert = actions.find((a) => /schema_version 2/.test(a.title));
    assert.ok(convert?.edit, `no conversion offered; offered: ${actions.map((a) => a.title).join(', ') || '(none)'}`);
    assert.equal(await vscode.workspace.applyEdit(convert.edit), true);

    const text = doc.getText();
    assert.match(text, /^# Legacy manifest/, 'the leading comment is kept');
    assert.match(text, /^schema_version: 2$/m);
    assert.match(text, /^nodes:$/m);
    assert.match(text, /parent: outer-pve/, 'the inner level becomes a child of the outer one');
    assert.doesNotMatch(text, /^levels:/m);
    await waitForDiagnostics(uri, (all) => all.length === 0, 'the converted manifest to be clean');
    await doc.save();
  });

  it('gives a broken YAML file diagnostics instead of failing, and keeps validating other files', async () => {
    const uri = siteUri('manifests/seeded-broken.yaml');
    const ds = await waitForDiagnostics(uri, (all) => all.some(isError), 'a syntax error');
    assert.ok(ds.every((d) => d.range.start.line < 10), `diagnostics lie inside the file: ${describeDiagnostics(ds)}`);
    assert.ok(!ds.some((d) => d.code === 'validator-failed'), `the validator itself must not fail: ${describeDiagnostics(ds)}`);
    // The service still answers for other files after the broken one.
    const clean = siteUri('manifests/n2-push.yaml');
    await vscode.workspace.openTextDocument(clean);
    await waitForDiagnostics(clean, (all) => !all.some(isError), 'n2-push.yaml to be clean');
  });

  it('reports no false errors in the untouched example files, and "Validate IaC Files in Workspace" counts the seeded ones', async () => {
    const summary = await vscode.commands.executeCommand<{ files: number; errors: number; warnings: number }>('proxmoxIac.validateWorkspace');
    assert.ok(summary, 'the command returns its summary');
    // Manifests, site.yaml.example, secrets.yaml.example, specs, presets, postures, envs, hosts, nodes, vms.
    assert.ok(summary.files >= 20, `the command found only ${summary.files} IaC files`);
    assert.ok(summary.errors >= 4, `the seeded files still hold at least four errors; counted ${summary.errors}`);
    const seeded = /seeded-|typing\.yaml/;
    const falseErrors = vscode.languages
      .getDiagnostics()
      .filter(([uri]) => uri.fsPath.startsWith(workspaceDir()) && !seeded.test(uri.fsPath))
      .flatMap(([uri, ds]) => ds.filter((d) => d.source === 'Proxmox IaC' && isError(d)).map((d) => `${uri.fsPath.slice(workspaceDir().length + 1)}: ${describeDiagnostics([d])}`));
    assert.deepEqual(falseErrors, []);
  });

  it('reports a manifest VMID that the NixOS fleet declares read-only, naming where', async () => {
    const rel = 'manifests/seeded-readonly-vmid.yaml';
    const at = positionOf(fileText(rel), 'vmid: 104').translate(0, 'vmid: '.length);
    // The fleet files are evaluated with nix-instantiate in the background after start-up.
    const ds = await waitForDiagnostics(siteUri(rel), (all) => all.some((d) => startsAt(d, at) && isError(d)), 'a read-only error on VMID 104', 45_000);
    assert.match(ds.find((d) => startsAt(d, at))!.message, /read-only.*definitions\.nix:\d+/);
  });

  it('re-checks closed manifests when a preset file they refer to is added or deleted on disk', async () => {
    const rel = 'manifests/seeded-missing-preset.yaml';
    const uri = siteUri(rel);
    const at = positionOf(fileText(rel), 'preset: vm-tiny').translate(0, 'preset: '.length);
    const missing = (all: vscode.Diagnostic[]) => all.some((d) => startsAt(d, at) && isError(d));
    await waitForDiagnostics(uri, missing, 'an unknown-preset error for vm-tiny');

    // As a git checkout or another tool would: straight to disk, not through an editor.
    const preset = siteFile('presets/vm-tiny.yaml');
    fs.writeFileSync(preset, '# Tiny VM preset\ncores: 1\nmemory: 1024\ndisk: 8\n');
    try {
      await waitForDiagnostics(uri, (all) => !missing(all), 'the error to go once presets/vm-tiny.yaml exists');
    } finally {
      fs.rmSync(preset, { force: true });
    }
    await waitForDiagnostics(uri, missing, 'the error to return once presets/vm-tiny.yaml is deleted');
  });

  it('applies the VMID ranges and read-only VMIDs from the settings, and clears everything when validation is off', async () => {
    const config = () => vscode.workspace.getConfiguration('proxmoxIac');
    const rel = 'manifests/n2-push.yaml';
    const uri = siteUri(rel);
    const text = fileText(rel);
    const rootVmid = positionOf(text, '99011');
    const edgeVmid = positionOf(text, '99021');
    const clean = (all: vscode.Diagnostic[]) => !all.some(isError);
    await waitForDiagnostics(uri, clean, 'n2-push.yaml to start clean');
    try {
      await config().update('validation.vmidRanges', ['100-9999', '99000-99015'], vscode.ConfigurationTarget.Global);
      const ranged = await waitForDiagnostics(uri, (all) => all.some((d) => startsAt(d, edgeVmid) && isError(d)), 'a range error on the edge VMID');
      assert.match(ranged.find((d) => startsAt(d, edgeVmid))!.message, /99021/);
      assert.ok(!ranged.some((d) => startsAt(d, rootVmid)), '99011 lies inside 99000-99015');

      await config().update('validation.vmidRanges', undefined, vscode.ConfigurationTarget.Global);
      await config().update('readonlyVmids', [99011], vscode.ConfigurationTarget.Global);
      const readonly = await waitForDiagnostics(uri, (all) => all.some((d) => startsAt(d, rootVmid) && isError(d)) && !all.some((d) => startsAt(d, edgeVmid)), 'a read-only error on the root-pve VMID only');
      assert.match(readonly.find((d) => startsAt(d, rootVmid))!.message, /read-only/);

      await config().update('validation.enabled', false, vscode.ConfigurationTarget.Global);
      await waitForDiagnostics(uri, (all) => all.length === 0, 'no diagnostics while validation is off');
      assert.deepEqual(ourDiagnostics(siteUri('manifests/seeded-bad-enum.yaml')), [], 'closed files are cleared too');
    } finally {
      await config().update('validation.vmidRanges', undefined, vscode.ConfigurationTarget.Global);
      await config().update('readonlyVmids', undefined, vscode.ConfigurationTarget.Global);
      await config().update('validation.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(uri, clean, 'n2-push.yaml clean again with the default settings');
    await waitForDiagnostics(siteUri('manifests/seeded-bad-enum.yaml'), (all) => all.some(isError), 'closed files checked again once validation is back on');
  });

  it('shows a problem typed into an open document after the debounce, and clears it when fixed', async () => {
    const uri = siteUri('manifests/typing.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(uri, (all) => !all.some(isError), 'typing.yaml to start clean');

    const line = positionOf(doc.getText(), 'parent: root-pve').line;
    const valueStart = new vscode.Position(line, doc.lineAt(line).text.indexOf('root-pve'));
    const valueRange = new vscode.Range(valueStart, doc.lineAt(line).range.end);
    // Type the mistake a few characters at a time, as a person would.
    await editor.edit((e) => e.replace(valueRange, 'no'));
    await editor.edit((e) => e.insert(new vscode.Position(line, valueStart.character + 2), 'where'));
    // A slow machine may validate the half-typed "no" first; what counts is the state after the last keystroke.
    await waitForDiagnostics(uri, (all) => all.some((d) => startsAt(d, valueStart) && isError(d) && /nowhere/.test(d.message)), 'an unknown-parent error for the typed value');

    await editor.edit((e) => e.replace(new vscode.Range(valueStart, doc.lineAt(line).range.end), 'root-pve'));
    await waitForDiagnostics(uri, (all) => !all.some((d) => d.range.start.line === line), 'the problem to clear after the fix');
    await doc.save();
  });
});
