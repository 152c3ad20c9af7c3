/**
 * Issue #12's everyday points in the real workbench: power actions that ask first (also from the inline
 * button), a suspended VM with its own icon and Resume, the filter shown in the view's title with a
 * one-click clear and applied to the IaC groups, and each row's own tooltip.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, domClick, domTexts, screenshot, selectors, waitFor, waitForDomText, waitForNotification } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import type { Element } from '../../../src/vscode/explorer/provider';
import { answering } from '../shared/prompts';
import { sessionOf } from '../shared/session';

const DEMO = 'conn:demo';
let explorer: ExplorerApi;

async function control<T>(path: string): Promise<T> {
  const base = process.env.PROXMOX_IAC_TEST_SIM_CONTROL;
  if (!base) throw new Error('PROXMOX_IAC_TEST_SIM_CONTROL is not set: run this suite through scripts/test-integration.mjs');
  const res = await fetch(`${base}${path}`);
  if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

interface Shown {
  readonly el: Element;
  readonly label: string;
  readonly description: string;
  readonly icon: string;
  readonly contextValue: string;
}

async function children(el?: Element): Promise<Shown[]> {
  return (await explorer.provider.getChildren(el)).map((e) => {
    const item = explorer.provider.getTreeItem(e);
    return {
      el: e,
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      icon: (item.iconPath as vscode.ThemeIcon | undefined)?.id ?? '',
      contextValue: item.contextValue ?? '',
    };
  });
}

async function guestRow(name: string): Promise<Shown | undefined> {
  for (const group of await children(explorer.provider.element(DEMO))) {
    const row = (await children(group.el)).find((r) => r.label === name && r.contextValue.startsWith('guest '));
    if (row) return row;
  }
  return undefined;
}


async function tooltipOf(el: Element): Promise<string> {
  const item = await explorer.provider.resolveTreeItem(explorer.provider.getTreeItem(el), el, new vscode.CancellationTokenSource().token);
  return typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
}

/** Selects a row in the side bar, so its inline buttons show, as they do under the mouse. */
async function select(row: Shown): Promise<void> {
  explorer.provider.ensureShown(row.el.id);
  await explorer.treeView.reveal(row.el, { select: true, focus: true, expand: false });
}

const inlineButton = (title: string): string => `.part.sidebar .monaco-list-row.selected .actions .action-label[aria-label^="${title}"]`;

describe('explorer: everyday use (issue #12)', function () {
  this.timeout(120_000);

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    await explorer.provider.refreshConnection(await sessionOf(explorer.provider, DEMO));
  });

  it('Shut Down asks first, naming guest and node: cancel leaves the VM running, confirm shuts it down', async () => {
    const cache = await guestRow('cache');
    assert.ok(cache);
    const history = explorer.tasks.history.length;
    const cancelled = await answering([undefined], () => vscode.commands.executeCommand('proxmoxIac.guest.shutdown', cache.el));
    assert.deepEqual(
      cancelled.map((p) => [p.kind, p.text, p.choices]),
      [['confirm', 'Shut down cache (VMID 112) on node prom?', ['Shut Down']]],
    );
    assert.equal(explorer.tasks.history.length, history, 'a task ran although the user cancelled');
    assert.equal((await control<{ status: string }>('/guest/112')).status, 'running');

    await answering(['Shut Down'], () => vscode.commands.executeCommand('proxmoxIac.guest.shutdown', cache.el));
    assert.equal(explorer.tasks.history[history]?.ok, true, `task result: ${explorer.tasks.history[history]?.exitstatus}`);
    assert.match(explorer.tasks.history[history].upid ?? '', /:qmshutdown:112:/);
    assert.equal((await control<{ status: string }>('/guest/112')).status, 'stopped');
    await waitFor('the cache row to show stopped', async () => (await guestRow('cache'))?.icon === 'vm-outline');
  });

  it('the inline Shut Down button on a running row asks too (the refused dialog names guest and node)', async () => {
    const ha = await guestRow('homeassistant');
    assert.ok(ha);
    const history = explorer.tasks.history.length;
    await vscode.commands.executeCommand('notifications.clearAll');
    await select(ha);
    // The real button in the real row: VS Code refuses modal dialogs under test and reports the refusal
    // with the dialog's text, which is what a user would have been asked; the refusal acts as Cancel.
    await domClick(inlineButton('Shut Down'));
    await waitForNotification(/Shut down homeassistant \(VMID 105\) on node prom\?/);
    await screenshot('explorer-shutdown-asks');
    assert.equal(explorer.tasks.history.length, history, 'the inline button shut the guest down without asking');
    assert.equal((await control<{ status: string }>('/guest/105')).status, 'running');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('a suspended VM gets its own icon, no "0% · 0 B", and offers Resume; Resume runs it again', async () => {
    const worker = await guestRow('talos-worker-1');
    assert.ok(worker);
    assert.equal(worker.icon, 'vm-running');
    const asked = await answering(['Suspend'], () => vscode.commands.executeCommand('proxmoxIac.guest.suspend', worker.el));
    assert.deepEqual(
      asked.map((p) => p.text),
      ['Suspend talos-worker-1 (VMID 202) on node pve3?'],
    );
    assert.equal((await control<{ status: string }>('/guest/202')).status, 'paused');
    const paused = await waitFor('the paused row', async () => {
      const r = await guestRow('talos-worker-1');
      return r?.icon === 'debug-pause' ? r : undefined;
    });
    assert.match(paused.description, /^202 · paused\b/);
    assert.doesNotMatch(paused.description, /%|0 B/);
    assert.match(paused.contextValue, /\bpaused\b/);
    assert.match(await tooltipOf(paused.el), /Status: paused \(frozen in memory; Resume to continue\)/);
    await select(paused);
    await waitForDomText(selectors.sideBarTreeRows, /talos-worker-1.*paused/s);
    const buttons = await waitFor('the inline Resume button', async () => {
      const labels = await domTexts('.part.sidebar .monaco-list-row.selected .actions .action-label', 'aria-label');
      return labels.some((l) => l.startsWith('Resume')) ? labels : undefined;
    });
    assert.ok(!buttons.some((l) => l.startsWith('Suspend') || l.startsWith('Shut Down')), JSON.stringify(buttons));
    await screenshot('explorer-suspended');

    // Suspending a paused VM again is refused with what to do instead; Resume asks nothing.
    const again = await answering([], () => vscode.commands.executeCommand('proxmoxIac.guest.suspend', paused.el));
    assert.deepEqual(
      again.map((p) => [p.kind, p.text]),
      [['warning', 'talos-worker-1 (VMID 202) is paused. Resume it first (Resume in its menu), or Stop it.']],
    );
    const history = explorer.tasks.history.length;
    await domClick(inlineButton('Resume'));
    await waitFor('the resume task', () => explorer.tasks.history[history]);
    assert.equal(explorer.tasks.history[history].ok, true, explorer.tasks.history[history].exitstatus);
    assert.match(explorer.tasks.history[history].upid ?? '', /:qmresume:202:/);
    await waitFor('the running icon again', async () => (await guestRow('talos-worker-1'))?.icon === 'vm-running');
    assert.equal((await control<{ status: string }>('/guest/202')).status, 'running');
  });

  it('the filter shows in the view (description and message) with a one-click clear, and narrows Missing and Unmanaged too', async () => {
    const root = explorer.provider.element(DEMO);
    const group = async (label: string): Promise<string[] | undefined> => {
      const g = (await children(root)).find((r) => r.label.startsWith(label));
      return g ? (await children(g.el)).map((r) => r.label) : undefined;
    };
    const missingBefore = await waitFor('the Missing group', () => group('Missing'));
    assert.ok(missingBefore.length > 1, JSON.stringify(missingBefore));
    assert.ok(((await group('Unmanaged')) ?? []).includes('homeassistant'));

    await answering(['legacy-win'], () => vscode.commands.executeCommand('proxmoxIac.explorer.filter'));
    assert.equal(explorer.treeView.description, 'Filter: legacy-win');
    assert.equal(explorer.treeView.message, 'Filter: legacy-win');
    await waitFor('the filtered IaC groups', async () => ((await group('Unmanaged'))?.join(',') === 'legacy-win' ? true : undefined));
    assert.equal(await group('Missing'), undefined, 'the Missing group ignored the filter');
    // Seen in the side bar (above the tree while the view fills its container alone).
    await waitForDomText('.part.sidebar', /Filter: legacy-win/);
    await screenshot('explorer-filter-description');

    await domClick('.part.sidebar .composite.title .action-label[aria-label^="Clear Filter"]');
    await waitFor('the filter to clear', () => (explorer.treeView.description === undefined && explorer.treeView.message === undefined ? true : undefined));
    assert.equal(explorer.provider.filterText, '');
    assert.deepEqual(await waitFor('the Missing group back', () => group('Missing')), missingBefore);
    // The clear button goes with the filter (its menu entry is shown only while the context key is set).
    await waitFor('the Clear Filter button to go', async () =>
      (await domTexts('.part.sidebar .composite.title .action-label', 'aria-label')).some((l) => l.startsWith('Clear Filter')) ? undefined : true,
    );
  });

  it('each row has its own labelled tooltip; a snapshot row shows the snapshot, not its VM', async () => {
    const root = explorer.provider.element(DEMO);
    const prom = (await children(root)).find((r) => r.label === 'prom')!;
    assert.match(await tooltipOf(prom.el), /\*\*prom\*\* — Node[\s\S]*- CPU: (<1|\d+)% of 32 CPUs[\s\S]*- Memory: [\d.]+ [KMGT]iB of 256 GiB \(\d+%\)/);
    assert.match(await tooltipOf(root), /— Proxmox VE connection[\s\S]*- URL: [\s\S]*- Nodes: 3/);
    const storageGroup = (await children(prom.el)).find((r) => r.label === 'Storage')!;
    const nvme = (await children(storageGroup.el)).find((r) => r.label === 'nvmeprom')!;
    assert.match(await tooltipOf(nvme.el), /\*\*nvmeprom\*\* — Storage on prom[\s\S]*- Used: [\d.]+ [KMGT]?i?B of [\d.]+ TiB \(\d+%\)[\s\S]*- Type: zfspool/);
    const doc1 = (await guestRow('Doc1'))!;
    const snap = (await children(doc1.el)).find((r) => r.label === 'pre-upgrade')!;
    const tip = await tooltipOf(snap.el);
    assert.match(tip, /Snapshot of Doc1 \(VMID 104\)[\s\S]*- RAM: /);
    assert.match(tip, /- Description: Before nixos\\-rebuild switch/);
    assert.doesNotMatch(tip, /Uptime|Memory/, 'the snapshot row showed its VM’s tooltip');
  });
});
