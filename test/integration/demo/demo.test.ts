import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import * as vscode from 'vscode';
import { activateExtension, domClick, domPressKey, domType, screenshot, selectors, sleep, waitForDomText, waitForNotification } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';

const WALKTHROUGH_TITLE = 'Get Started with Proxmox IaC';
const STEPS = ['Connect to a cluster', 'Explore the cluster', 'Open a manifest', 'Fix a mistake', 'Plan a manifest'];

let explorer: ExplorerApi;

/** GETs a page of the simulator (its certificate is self-signed; this is 127.0.0.1 and only reads). */
function fetchPage(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('The demo a new user opens', function () {
  this.timeout(120_000);

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
  });

  it('opens on the Proxmox view with the cluster, and the Get Started walkthrough with its five steps', async () => {
    await waitForDomText(selectors.sideBarTitle, /proxmox/i, 30_000);
    await waitForDomText(selectors.sideBarTreeRows, 'Demo cluster (simulated)', 30_000);
    const editor = await waitForDomText('.part.editor', WALKTHROUGH_TITLE, 30_000);
    for (const step of STEPS) assert.ok(editor.some((t) => t.includes(step)), `the walkthrough has no step "${step}": ${editor.join('\n').slice(0, 2000)}`);
    await waitForDomText(selectors.sideBarTreeRows, /Doc1/, 30_000);
    await sleep(1000);
    await screenshot('demo-first-screen');
  });

  it('a walkthrough step shows its page and its button runs the command', async () => {
    await domClick('.part.editor .getting-started-step', 'Fix a mistake');
    await waitForDomText('.part.editor', 'Validate IaC Files', 15_000);
    await screenshot('walkthrough-fix-a-mistake');
    await domClick('.part.editor .getting-started-step .monaco-button', 'Validate IaC Files');
    await waitForNotification(/IaC files? checked: \d+ errors?, \d+ warnings?\./, 60_000);
  });

  it('"Open in Web UI" lands on a page that says it is the simulator, not a real Proxmox VE', async () => {
    const env = vscode.env as unknown as Record<string, unknown>;
    const openExternal = env.openExternal;
    const opened: string[] = [];
    env.openExternal = (uri: vscode.Uri) => {
      opened.push(uri.toString(true));
      return Promise.resolve(true);
    };
    try {
      // From the Command Palette, as a user without a selection: the guest is picked in the real QuickPick.
      const done = vscode.commands.executeCommand('proxmoxIac.guest.openWebUi');
      await waitForDomText('.quick-input-widget .quick-input-list .monaco-list-row', 'Doc1', 15_000);
      await domType('Doc1');
      await sleep(300);
      await domPressKey('Enter');
      await done;
    } finally {
      env.openExternal = openExternal;
    }
    assert.equal(opened.length, 1, `opened: ${JSON.stringify(opened)}`);
    assert.match(opened[0], /^https:\/\/127\.0\.0\.1:\d+\/#v1:0:=qemu\/\d+/);
    const page = await fetchPage(opened[0]);
    assert.equal(page.status, 200, 'the web UI address does not answer with a page');
    assert.match(page.body, /<h1>Proxmox IaC simulator<\/h1>/);
    assert.match(page.body, /not a real Proxmox VE/);
  });

  it('"Open SSH Terminal to Node" says why it cannot connect to a simulated node, and opens no terminal', async () => {
    const opened: string[] = [];
    const sub = vscode.window.onDidOpenTerminal((t) => opened.push(t.name));
    try {
      // Select the node row as a user does, then run the action on the selection (its context-menu entry).
      await domClick(selectors.sideBarTreeRows, 'father');
      const until = Date.now() + 10_000;
      while (!explorer.treeView.selection[0]?.id.includes('father') && Date.now() < until) await sleep(100);
      const row = explorer.treeView.selection[0];
      assert.ok(row?.id.includes('father'), `the node row is not selected: ${JSON.stringify(explorer.treeView.selection.map((e) => e.id))}`);
      await vscode.commands.executeCommand('proxmoxIac.node.ssh', row);
      const message = await waitForNotification('Cannot open an SSH terminal to node father', 20_000);
      assert.match(message, /"father" does not resolve from this machine/);
      await screenshot('demo-node-ssh-explains');
    } finally {
      sub.dispose();
    }
    assert.deepEqual(opened, []);
  });
});
