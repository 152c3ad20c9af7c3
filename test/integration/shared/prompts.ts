import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** A question the action asked the user: a modal confirmation, a non-modal warning, an input box or a quick pick. */
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
 * Runs `action` while the user's answers come from `answers`, one per modal question, input box or quick pick
 * in order, and records every question. The explorer and backups suites share it. VS Code refuses modal
 * dialogs while extension tests run (tests that do not use this rely on that refusal as "Cancel"), so
 * accepting a confirmation needs this: the extension and the suite share the one `vscode` API object of the
 * extension host, and these replace its prompts for the duration only. An input answer that the box's own
 * validation rejects counts as cancelled, as the real box would not accept it. Non-modal warnings still
 * show, with their buttons; they are recorded and count as dismissed, so an action that waits for one ends.
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
      void (original.showWarningMessage as (...a: unknown[]) => Thenable<unknown>)(message, ...rest);
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
