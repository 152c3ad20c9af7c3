import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, reportMetric, repoRoot, screenshot, selectors, sleep, waitForDomText } from '../harness';
import { pathsToSecrets } from '../secretReach';

interface Manifest {
  contributes: { commands?: { command: string; title: string }[] };
}

describe('activation', () => {
  it('activates by itself in a workspace with IaC files (no command needed)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    // The fixture holds site-config/site.yaml.example, one of our workspaceContains: activation events. VS Code
    // gives up on glob patterns (**/site.yaml.example) whose file search takes over 7 s — on a loaded machine it
    // does — and then does not activate at all; the plain paths of the usual layouts are checked without a search.
    // (Explicit activation would hide exactly that, so this waits for VS Code to activate on its own.)
    const until = Date.now() + 45_000;
    while (!ext.isActive && Date.now() < until) await sleep(100);
    assert.ok(ext.isActive, 'the extension did not activate on its own within 45 s');
  });

  it('returns its API and reports how long its own activation took', async () => {
    const api = await activateExtension();
    assert.ok(api, 'activate() returned nothing: activation failed (see the Proxmox IaC log)');
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(api.activationMs >= 0, `activationMs is ${api.activationMs}`);
    // The budget is CPU time: wall-clock time grows with whatever else the machine runs (CI, npm run test:load).
    assert.ok(api.activationCpuMs >= 0 && api.activationCpuMs < 1000, `activation took ${api.activationCpuMs} ms of CPU time (${api.activationMs} ms in all)`);
    reportMetric('activationMs', Number(api.activationMs.toFixed(3)));
    reportMetric('activationCpuMs', Number(api.activationCpuMs.toFixed(3)));
  });

  it('hands its services only to its own tests: in test mode the API reaches the secrets (the exports suite checks production)', async () => {
    const api = await activateExtension();
    // The control for the exports suite: the same walk that finds nothing there finds these here.
    const paths = pathsToSecrets(api, undefined);
    assert.ok(paths.some((p) => p.endsWith('context.secrets (a SecretStorage)')), JSON.stringify(paths));
    assert.ok(paths.some((p) => /explorer\.store\.secret \(function secret\)$/.test(p)), JSON.stringify(paths));
  });

  it('registers every command declared in package.json', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as Manifest;
    const declared = (manifest.contributes.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json declares no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
  });

  it('shows the "Proxmox" container in the activity bar with its Explorer view', async () => {
    const labels = await waitForDomText(selectors.activityBarItems, /^Proxmox/, 15_000, 'aria-label');
    assert.equal(labels.filter((l) => l.startsWith('Proxmox')).length, 1, `activity bar: ${JSON.stringify(labels)}`);
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    // With one view the side bar title reads "PROXMOX: EXPLORER"; with more views each has a pane header.
    const titles = await waitForDomText(`${selectors.sideBarTitle}, ${selectors.sideBarPaneTitles}`, /explorer/i);
    assert.match(titles.join(' '), /proxmox/i, `side bar titles: ${JSON.stringify(titles)}`);
    await screenshot('proxmox-container');
  });
});
