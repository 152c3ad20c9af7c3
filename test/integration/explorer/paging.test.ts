import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, domClick, domTexts, screenshot, selectors, sleep, waitForDomText } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';

const DEMO = 'conn:demo';
const PROM = `${DEMO}/node/prom`;

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

// The demo's node "prom" has 12 guests and a Storage folder: with a page of 10 it is a "large" node.
describe('explorer paging of large nodes', function () {
  this.timeout(120_000);
  let explorer: ExplorerApi;
  const config = () => vscode.workspace.getConfiguration('proxmoxIac');

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    await explorer.provider.getChildren(explorer.provider.element(DEMO));
  });

  after(async () => {
    await config().update('explorer.pageSize', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('lists one page and a "Show more" row, which shows the rest when clicked', async () => {
    await config().update('explorer.pageSize', 10, vscode.ConfigurationTarget.Workspace);
    const { provider, treeView } = explorer;
    const listed = await waitFor('a paged node', async () => {
      const els = await provider.getChildren(provider.element(PROM));
      return els.length === 11 ? els : undefined;
    });
    const more = provider.getTreeItem(listed[10]);
    assert.equal(label(more), 'Show 3 more');
    assert.equal(more.description, '10 of 13 shown');
    assert.equal(provider.getParent(listed[10])?.id, PROM, 'the "Show more" row belongs to its node');
    await treeView.reveal(listed[10], { select: false, focus: false });
    await waitForDomText(selectors.sideBarTreeRows, /Show 3 more/);
    await screenshot('explorer-paged-node');

    await domClick(selectors.sideBarTreeRows, 'Show 3 more');
    await waitFor('the whole node listed', async () => ((await provider.getChildren(provider.element(PROM))).length === 13 ? true : undefined));
    await waitFor('the "Show more" row to go', async () => ((await domTexts(selectors.sideBarTreeRows)).some((t) => t.includes('Show 3 more')) ? undefined : true));
  });

  it('reveals a guest past the page: its page widens and the row is selected', async () => {
    // A new page size starts every node over at one page.
    await config().update('explorer.pageSize', 11, vscode.ConfigurationTarget.Workspace);
    const { provider, treeView } = explorer;
    await waitFor('prom paged at 11', async () => ((await provider.getChildren(provider.element(PROM))).length === 12 ? true : undefined));
    const s = provider.stateOf(DEMO)!;
    const all = s.subtree!.children.get(PROM)!;
    const lastGuest = all.filter((id) => s.subtree!.rows.get(id)?.kind === 'guest').at(-1)!;
    assert.ok(all.indexOf(lastGuest) >= 11, 'the last guest is past the first page');
    const name = s.subtree!.rows.get(lastGuest)!.label;

    await vscode.commands.executeCommand('proxmoxIac.explorer.revealGuest', provider.element(lastGuest));
    await waitFor('the guest selected', () => (treeView.selection[0]?.id === lastGuest ? true : undefined));
    assert.equal(provider.getParent(provider.element(lastGuest))?.id, PROM);
    assert.ok((await provider.getChildren(provider.element(PROM))).some((e) => e.id === lastGuest), 'its node lists it now');
    await waitForDomText(selectors.sideBarTreeRows, new RegExp(`^${name}`));
    await screenshot('explorer-revealed-past-page');
  });
});
