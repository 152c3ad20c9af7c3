import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import type { Element } from '../../../src/vscode/explorer/provider';

export const DEMO = 'conn:demo';

let explorerApi: ExplorerApi | undefined;

/** The extension's explorer, with the Proxmox view open and the demo connection loaded once. */
export async function explorer(): Promise<ExplorerApi> {
  if (explorerApi) return explorerApi;
  const api = await activateExtension();
  assert.ok(api?.explorer, 'the extension API has no explorer');
  explorerApi = api.explorer;
  await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
  // The roots first: listing them makes the connections' sessions (VS Code may not have asked yet).
  await explorerApi.provider.getChildren();
  await explorerApi.provider.getChildren(explorerApi.provider.element(DEMO));
  const state = explorerApi.provider.stateOf(DEMO);
  assert.ok(state, 'the demo connection has no session after listing the roots');
  await explorerApi.provider.refreshConnection(state);
  return explorerApi;
}

/** Talks to the simulator's control server (the explorer suite's sim-host). */
export async function requestLog(): Promise<string[]> {
  const base = process.env.PROXMOX_IAC_TEST_SIM_CONTROL;
  if (!base) throw new Error('PROXMOX_IAC_TEST_SIM_CONTROL is not set: run this suite through scripts/test-integration.mjs');
  const res = await fetch(`${base}/requests`);
  if (!res.ok) throw new Error(`control /requests: HTTP ${res.status}`);
  return ((await res.json()) as { requests: string[] }).requests;
}

export interface Shown {
  readonly el: Element;
  readonly label: string;
  readonly description: string;
  readonly icon: string;
  readonly contextValue: string;
  readonly tooltip: string;
}

/** The rows the tree gives VS Code below `el`, as VS Code would render them. */
export async function children(el?: Element): Promise<Shown[]> {
  const x = await explorer();
  const rows = await x.provider.getChildren(el);
  return Promise.all(rows.map(async (e) => {
    // Tooltips are built when the row is hovered (resolveTreeItem), as VS Code asks for them.
    const item = await x.provider.resolveTreeItem(x.provider.getTreeItem(e), e, new vscode.CancellationTokenSource().token);
    return {
      el: e,
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      icon: (item.iconPath as vscode.ThemeIcon | undefined)?.id ?? '',
      contextValue: item.contextValue ?? '',
      tooltip: typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''),
    };
  }));
}

/** A guest row below the demo connection (grouped by node), by name and optionally by VMID. */
export async function guestRow(name: string, vmid?: number): Promise<Shown | undefined> {
  const x = await explorer();
  for (const group of await children(x.provider.element(DEMO))) {
    const row = (await children(group.el)).find((r) => r.label === name && r.contextValue.startsWith('guest ') && (vmid === undefined || r.description.startsWith(`${vmid} `) || r.description === String(vmid)));
    if (row) return row;
  }
  return undefined;
}

export async function guest(name: string, vmid?: number): Promise<Shown> {
  const row = await guestRow(name, vmid);
  assert.ok(row, `guest "${name}"${vmid ? ` (${vmid})` : ''} is not in the tree`);
  return row;
}

/** The guest's "Backups" folder and the rows inside it. */
export async function backupsOf(name: string, vmid?: number): Promise<{ folder: Shown; rows: Shown[] }> {
  const g = await guest(name, vmid);
  const folder = (await children(g.el)).find((r) => r.label === 'Backups');
  assert.ok(folder, `${name} has no Backups folder`);
  return { folder, rows: await children(folder.el) };
}

export { waitFor } from '../harness';

