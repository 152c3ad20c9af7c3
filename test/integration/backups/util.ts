import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, sleep } from '../harness';
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

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A question the action asked: a modal confirmation, a non-modal warning, an input box or a quick pick. */
export interface Prompt {
  readonly kind: 'confirm' | 'input' | 'pick' | 'warning';
  readonly text: string;
  readonly value?: string;
  readonly choices?: string[];
  readonly validate?: (v: string) => string | undefined;
}

/** Accept what the input box suggests, as pressing Enter would. */
export const ENTER = Symbol('enter');
export type Answer = string | typeof ENTER | undefined;

/**
 * Runs `action` while the user's answers come from `answers`, one per modal question, input box or quick
 * pick in order, and records every question (as the explorer suite's actions test does: VS Code refuses modal
 * dialogs under test, so these replace the prompts for the duration only). An input the box's own validation
 * rejects counts as cancelled, as the real box would not accept it. Non-modal warnings are shown, recorded,
 * and count as dismissed.
 */
export async function answering(answers: Answer[], action: () => Thenable<unknown>): Promise<Prompt[]> {
  const prompts: Prompt[] = [];
  const queue = [...answers];
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = { showWarningMessage: w.showWarningMessage, showInputBox: w.showInputBox, showQuickPick: w.showQuickPick };
  w.showWarningMessage = (message: string, ...rest: unknown[]) => {
    const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest[0] as vscode.MessageOptions) : undefined;
    if (!options?.modal) {
      prompts.push({ kind: 'warning', text: message });
      void (original.showWarningMessage as (...a: unknown[]) => Thenable<unknown>)(message);
      return Promise.resolve(undefined);
    }
    const buttons = rest.slice(1).map((b) => (typeof b === 'string' ? b : (b as vscode.MessageItem).title));
    prompts.push({ kind: 'confirm', text: message, choices: buttons });
    const a = queue.shift();
    return Promise.resolve(typeof a === 'string' && buttons.includes(a) ? a : undefined);
  };
  w.showInputBox = (options: vscode.InputBoxOptions = {}) => {
    const validate = options.validateInput ? (v: string) => (options.validateInput!(v) as string | undefined) ?? undefined : undefined;
    prompts.push({ kind: 'input', text: options.prompt ?? '', value: options.value, validate });
    const a = queue.shift();
    const typed = a === ENTER ? (options.value ?? '') : a;
    return Promise.resolve(typed === undefined || (validate && validate(typed)) ? undefined : typed);
  };
  w.showQuickPick = async (items: readonly (string | vscode.QuickPickItem)[] | Thenable<readonly (string | vscode.QuickPickItem)[]>, options: vscode.QuickPickOptions = {}) => {
    const list = await items;
    const label = (i: string | vscode.QuickPickItem): string => (typeof i === 'string' ? i : i.label);
    prompts.push({ kind: 'pick', text: options.placeHolder ?? options.title ?? '', choices: list.map(label) });
    const a = queue.shift();
    return list.find((i) => label(i) === a);
  };
  try {
    await action();
  } finally {
    Object.assign(w, original);
  }
  assert.equal(queue.length, 0, `unused answers ${JSON.stringify(queue.map(String))}; questions asked: ${JSON.stringify(prompts.map((p) => p.text))}`);
  return prompts;
}
