/**
 * One path from error to action (issue #12): a token the server now rejects makes an explorer action fail
 * with a 401; the error notification names the fix and has a "Re-enter Token" button; choosing it asks for
 * the secret of that action's connection (no connection picker), and the secret typed there reconnects it.
 * Runs last in the suite: it rotates the demo token's secret on the simulator.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, domClick, domPressKey, domTexts, domType, screenshot, selectors, waitFor, waitForDomText, waitForNotification } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import type { Element } from '../../../src/vscode/explorer/provider';
import { simControl } from './simControl';
import { sessionOf } from '../shared/session';

const DEMO = 'conn:demo';
const QUICK_INPUT_TITLE = '.quick-input-widget .quick-input-title';

let explorer: ExplorerApi;


const labelOf = (el: Element): string => {
  const item = explorer.provider.getTreeItem(el);
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
};

async function guest(name: string): Promise<Element> {
  for (const node of await explorer.provider.getChildren(explorer.provider.element(DEMO))) {
    const row = (await explorer.provider.getChildren(node)).find((e) => labelOf(e) === name && (explorer.provider.getTreeItem(e).contextValue ?? '').startsWith('guest '));
    if (row) return row;
  }
  throw new Error(`no guest row ${name}`);
}

describe('explorer: a 401 during an action offers Re-enter Token', function () {
  this.timeout(120_000);

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    await explorer.provider.refreshConnection(await sessionOf(explorer.provider, DEMO));
  });

  it('Start with a rotated token: the error says what to do, its button asks for this connection\'s secret, and the new one works', async () => {
    const demo = explorer.store.get('demo')!;
    const history = explorer.tasks.history.length;
    const edge = await guest('edge');
    // The token's secret is replaced on the server (`pveum user token add … --overwrite`): the old one gets 401s.
    const { secret } = await simControl<{ secret: string }>('/rotate-token', { id: demo.tokenId });

    await vscode.commands.executeCommand('proxmoxIac.guest.start', edge);
    const message = await waitForNotification('Starting edge (VMID 99021) failed');
    assert.match(message, /failed: The server rejected the API token or password\. Re-enter the secret/);
    assert.equal(explorer.tasks.history[history]?.ok, false);
    const buttons = await waitFor('the notification\'s buttons', async () => {
      const b = await domTexts(selectors.notificationButtons);
      return b.includes('Re-enter Token') ? b : undefined;
    });
    assert.ok(buttons.includes('Show Log'), JSON.stringify(buttons));
    // The progress notification of the failed start goes away (VS Code keeps one on screen for a moment at least).
    await waitFor('the start\'s progress notification to close', async () => !(await domTexts(selectors.notificationMessages)).includes('Starting edge (VMID 99021)'));
    await screenshot('explorer-401-reenter-token');
    assert.equal((await simControl<{ status: string }>('/guest/99021')).status, 'stopped');

    await domClick(selectors.notificationButtons, 'Re-enter Token');
    // Straight to the password box of the connection the action used: no "which connection?" question.
    await waitForDomText(QUICK_INPUT_TITLE, 'Secret for "Demo cluster"');
    await screenshot('explorer-401-secret-prompt');
    await domType(secret);
    await domPressKey('Enter');
    await waitFor('the new secret to be stored', async () => (await explorer.store.secret('demo')) === secret);

    // The connection works again with it: a refresh lists its nodes (no error row), and Start now starts edge.
    await explorer.provider.refreshConnection(await sessionOf(explorer.provider, DEMO));
    const rows = (await explorer.provider.getChildren(explorer.provider.element(DEMO))).map(labelOf);
    assert.ok(rows.includes('father') && !rows.some((r) => /Authentication failed/.test(r)), JSON.stringify(rows));
    await vscode.commands.executeCommand('proxmoxIac.guest.start', await guest('edge'));
    await waitFor('edge to run', async () => (await simControl<{ status: string }>('/guest/99021')).status === 'running');
  });
});
