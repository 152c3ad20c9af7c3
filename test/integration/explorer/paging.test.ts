import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, domClick, domTexts, screenshot, selectors, waitFor, waitForDomText } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import { sessionOf } from '../shared/session';

const DEMO = 'conn:demo';
/** Grouped by type, the demo's virtual machines are one group of more than a dozen rows. */
const VMS = `${DEMO}/type/qemu`;


function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

// A page of 10 makes the demo's "Virtual machines" group a large parent.
describe('explorer paging of large groups', function () {
  this.timeout(120_000);
  let explorer: ExplorerApi;
  const config = () => vscode.workspace.getConfiguration('proxmoxIac');

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    await config().update('explorer.groupBy', 'type', vscode.ConfigurationTarget.Workspace);
    await explorer.provider.getChildren(explorer.provider.element(DEMO));
  });

  after(async () => {
    await config().update('explorer.pageSize', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('explorer.groupBy', undefined, vscode.ConfigurationTarget.Workspace);
  });

  const total = (): number => explorer.provider.stateOf(DEMO)?.subtree?.children.get(VMS)?.length ?? 0;

  it('lists one page and a "Show more" row, which shows the rest when clicked', async () => {
    await config().update('explorer.pageSize', 10, vscode.ConfigurationTarget.Workspace);
    const { provider, treeView } = explorer;
    const listed = await waitFor('a paged group', async () => {
      const els = await provider.getChildren(provider.element(VMS));
      return els.length === 11 ? els : undefined;
    });
    const n = total();
    assert.ok(n > 10 && n <= 20, `the group holds ${n} rows`);
    const more = provider.getTreeItem(listed[10]);
    const text = `Show ${n - 10} more`;
    assert.equal(label(more), text);
    assert.equal(more.description, `10 of ${n} shown`);
    assert.equal(provider.getParent(listed[10])?.id, VMS, 'the "Show more" row belongs to its group');
    await treeView.reveal(listed[10], { select: false, focus: false });
    await waitForDomText(selectors.sideBarTreeRows, text);
    await screenshot('explorer-paged-group');

    await domClick(selectors.sideBarTreeRows, text);
    await waitFor('the whole group listed', async () => ((await provider.getChildren(provider.element(VMS))).length === n ? true : undefined));
    await waitFor('the "Show more" row to go', async () => ((await domTexts(selectors.sideBarTreeRows)).some((t) => t.includes(text)) ? undefined : true));
  });

  it('reveals a guest past the page: its page widens and the row is selected', async () => {
    // A new page size starts every parent over at one page.
    await config().update('explorer.pageSize', 12, vscode.ConfigurationTarget.Workspace);
    const { provider, treeView } = explorer;
    assert.ok(total() > 12, `the group holds ${total()} rows`);
    await waitFor('the group paged at 12', async () => ((await provider.getChildren(provider.element(VMS))).length === 13 ? true : undefined));
    const s = await sessionOf(provider, DEMO);
    const all = s.subtree!.children.get(VMS)!;
    const lastGuest = all.at(-1)!;
    const name = s.subtree!.rows.get(lastGuest)!.label;

    await vscode.commands.executeCommand('proxmoxIac.explorer.revealGuest', provider.element(lastGuest));
    await waitFor('the guest selected', () => (treeView.selection[0]?.id === lastGuest ? true : undefined));
    assert.equal(provider.getParent(provider.element(lastGuest))?.id, VMS);
    assert.ok((await provider.getChildren(provider.element(VMS))).some((e) => e.id === lastGuest), 'its group lists it now');
    await waitForDomText(selectors.sideBarTreeRows, new RegExp(`^${name}`));
    await screenshot('explorer-revealed-past-page');
  });
});
