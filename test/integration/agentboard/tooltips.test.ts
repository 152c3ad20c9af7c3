/**
 * The guest-agent results in the explorer's guest tooltips, read as VS Code reads them: resolveTreeItem on a
 * guest row of the tree (the hover). Before the board is open the explorer asks the agent itself; once the
 * board has checked a guest, the tooltip shows the board's answer (which knows the template a clone came from).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentBoardPanel } from '../../../src/vscode/webviews/agentboard/panel';
import type { Element, ExplorerProvider } from '../../../src/vscode/explorer/provider';
import { activateExtension } from '../harness';
import { boardApi, reloaded, settled, waitFor, waitForAsync, waitForRender } from './util';

/** A guest row by name, wherever the tree groups it below the demo connection. */
async function guestRow(provider: ExplorerProvider, name: string): Promise<Element | undefined> {
  // The connections first, as the view asks for them: that is what starts each connection's session.
  await provider.getChildren();
  for (const group of await provider.getChildren(provider.element('conn:demo'))) {
    for (const el of await provider.getChildren(group)) {
      const item = provider.getTreeItem(el);
      const label = typeof item.label === 'string' ? item.label : item.label?.label;
      if (label === name && item.contextValue?.startsWith('guest ')) return el;
    }
  }
  return undefined;
}

/**
 * The tooltip VS Code shows on hover, as the reader sees it: `- Label: value` lines, Markdown escapes removed.
 * Hovered again until it has the agent's lines (on a loaded machine a hover's questions may run out of time,
 * and the user then sees the tooltip without them until the next hover).
 */
async function tooltipFields(provider: ExplorerProvider, name: string): Promise<Record<string, string>> {
  return waitForAsync(async () => {
    const el = await guestRow(provider, name);
    if (!el) return undefined;
    const item = await provider.resolveTreeItem(provider.getTreeItem(el), el, new vscode.CancellationTokenSource().token);
    const md = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
    const fields: Record<string, string> = Object.fromEntries(
      md
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => [l.slice(2, l.indexOf(':')), l.slice(l.indexOf(':') + 2).replace(/\\(.)/g, '$1')]),
    );
    return fields['Guest agent'] !== undefined ? fields : undefined;
  }, `the agent's lines in ${name}'s tooltip`);
}

if (!reloaded()) {
  describe('Guest-agent results in the explorer’s tooltips', function () {
    this.timeout(120_000);
    let provider: ExplorerProvider;

    before(async () => {
      const api = await activateExtension();
      assert.ok(api?.explorer, 'the extension API has no explorer');
      provider = api.explorer.provider;
      await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    });

    it('without the board, hovering a guest asks its agent: state, OS and addresses, and the hint for a silent agent', async () => {
      assert.equal((await boardApi()).panels.size, 0, 'no board is open yet');
      const doc1 = await tooltipFields(provider, 'Doc1');
      assert.match(doc1['Guest agent'], /^answering, checked \S/);
      assert.doesNotMatch(doc1['Guest agent'], /board/);
      assert.equal(doc1.Hint, undefined, 'no hint for an agent that answers');
      assert.equal(doc1.OS, 'NixOS 25.05 (Warbler)');
      assert.equal(doc1['IP addresses'], '10.0.1.29', 'loopback and link-local left out');
      const clone = await tooltipFields(provider, 'tofu-web-1');
      assert.match(clone['Guest agent'], /^not answering/);
      assert.match(clone.Hint, /^agent enabled but not answering: install and start qemu-guest-agent in the guest \(or bake it into the template — clones of this template never answer\)/);
      assert.equal(clone['IP addresses'], undefined);
      assert.match((await tooltipFields(provider, 'scratch')).Hint, /^agent not enabled: set `agent: 1`/);
    });

    it('with the board open, the tooltip shows the board’s last check, naming the template whose clones never answer', async () => {
      const board = await boardApi();
      await vscode.commands.executeCommand<AgentBoardPanel>('proxmoxIac.showAgentBoard', { id: 'conn:demo' });
      const panel = await waitFor(() => board.panels.get('demo'), 'the board panel');
      await waitForRender(panel, settled, 'every guest checked');
      const clone = await tooltipFields(provider, 'tofu-web-1');
      assert.match(clone['Guest agent'], /^not answering, checked \S.* by the guest-agent board$/);
      assert.match(clone.Hint, /^agent enabled but not answering: install and start qemu-guest-agent in the guest \(or bake it into template 9002 — clones of this template never answer\)/);
      const doc1 = await tooltipFields(provider, 'Doc1');
      assert.match(doc1['Guest agent'], /^answering, checked .* by the guest-agent board$/);
      assert.deepEqual([doc1.OS, doc1['Host name'], doc1['IP addresses']], ['NixOS 25.05 (Warbler)', 'proxmox-vm', '10.0.1.29']);
      const legacy = await tooltipFields(provider, 'centos7-legacy');
      assert.match(legacy['Guest agent'], /^partly supported/);
      assert.match(legacy.Hint, /^the agent does not support this command/);
    });
  });
}
