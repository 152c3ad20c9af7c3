/**
 * hosts.nix against the open connection (issue #12, point 7): a host's bridge that its node does not have is
 * a warning in the Problems data naming the node's bridges (read from the simulator's
 * GET /nodes/{node}/network), and the quick fix puts the close name in.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, waitFor, workspaceDir } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import { sessionOf } from '../shared/session';

const DEMO = 'conn:demo';


const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
const describe_ = (ds: readonly vscode.Diagnostic[]): string => JSON.stringify(ds.map((d) => [codeOf(d), d.range.start.line, d.message]));

/** Diagnostics come from the language worker and the live inventory: a longer wait than the usual. */
const waitForLong = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> => waitFor(what, probe, 60_000);

describe('explorer: hosts.nix bridges checked against the live cluster', function () {
  this.timeout(180_000);
  let explorer: ExplorerApi;

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('proxmoxIac.connections.switch', explorer.provider.element(DEMO));
    await explorer.provider.refreshConnection(await sessionOf(explorer.provider, DEMO));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a misspelled bridge is a warning naming the node\'s bridges; the quick fix writes the close name', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'nixos-fleet', 'hosts.nix'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const anchor = doc.getText().indexOf('storage = "Test";');
    assert.ok(anchor >= 0, 'the fixture hosts.nix has igpu\'s storage = "Test";');
    const line = doc.positionAt(anchor).line;
    const indent = doc.lineAt(line).text.slice(0, doc.lineAt(line).firstNonWhitespaceCharacterIndex);
    // Typed into the editor, not saved: the check runs on the text as the user sees it.
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(line + 1, 0), `${indent}bridge = "vmbr11";\n`)));

    const warning = await waitForLong('the bridge warning', () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'nix-live-bridge'));
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(warning.range.start.line, line + 1);
    assert.equal(doc.getText(warning.range), '"vmbr11"');
    assert.equal(warning.message, "Host igpu: bridge 'vmbr11' does not exist on node prom (it has vmbr0, vmbr1). Did you mean 'vmbr1'?");

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, warning.range);
    const fix = actions.find((a) => a.title === 'Use bridge "vmbr1"');
    assert.ok(fix?.edit, `quick fixes offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(line + 1).text.trim(), 'bridge = "vmbr1";');
    await waitForLong('the bridge warning to go', () => !vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'nix-live-bridge'));
    assert.deepEqual(
      vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d).startsWith('nix-live')),
      [],
      `live-cluster warnings left: ${describe_(vscode.languages.getDiagnostics(uri))}`,
    );
  });
});
