import * as vscode from 'vscode';

/** Thrown by a step when the user presses its Back button; the wizard goes one step back, answers kept. */
export class WizardBack extends Error {}

export interface StepPosition {
  readonly title: string;
  /** 1-based step number; omitted for a question that is not one of the numbered steps. */
  readonly step?: number;
  readonly totalSteps?: number;
  /** Show a Back button (default: when step > 1). */
  readonly back?: boolean;
}

function place(input: vscode.QuickInput, at: StepPosition): vscode.QuickInputButton[] {
  input.title = at.title;
  input.step = at.step;
  input.totalSteps = at.totalSteps;
  input.ignoreFocusOut = true;
  return (at.back ?? (at.step ?? 0) > 1) ? [vscode.QuickInputButtons.Back] : [];
}

/**
 * Runs one InputBox step; resolves to undefined when the user cancels, throws WizardBack on "Back". The
 * validation message shows as the user types, and Enter is refused with it.
 */
export function inputStep(
  at: StepPosition,
  options: { prompt: string; value?: string; placeholder?: string; password?: boolean; validate?: (v: string) => string | undefined },
): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.buttons = place(box, at);
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  box.placeholder = options.placeholder;
  box.password = options.password ?? false;
  return new Promise<string | undefined>((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = (f: () => void): void => {
      for (const s of subs) s.dispose();
      box.dispose();
      f();
    };
    subs.push(
      box.onDidChangeValue((v) => (box.validationMessage = v ? options.validate?.(v) : undefined)),
      box.onDidAccept(() => {
        const msg = options.validate?.(box.value);
        if (msg) {
          box.validationMessage = msg;
          return;
        }
        done(() => resolve(box.value));
      }),
      box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(() => reject(new WizardBack()))),
      box.onDidHide(() => done(() => resolve(undefined))),
    );
    box.show();
  });
}

/** A pick item; one without a value is a message (e.g. why the typed text is refused) and cannot be chosen. */
export interface PickItem<T> extends vscode.QuickPickItem {
  readonly value?: T;
}

/**
 * Runs one QuickPick step. `typed` turns what the user types into extra items shown first (a "use this"
 * item, or a message saying why the text cannot be used). `active` is the item focused at first, so Enter
 * chooses it. Resolves to undefined on cancel, throws WizardBack on "Back".
 */
export function pickStep<T>(
  at: StepPosition,
  placeholder: string,
  items: readonly PickItem<T>[],
  options: { typed?: (text: string) => PickItem<T>[]; active?: (item: PickItem<T>) => boolean } = {},
): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<PickItem<T>>();
  pick.buttons = place(pick, at);
  pick.placeholder = placeholder;
  pick.items = items;
  const first = options.active ? items.find(options.active) : undefined;
  if (first) pick.activeItems = [first];
  return new Promise<T | undefined>((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = (f: () => void): void => {
      for (const s of subs) s.dispose();
      pick.dispose();
      f();
    };
    subs.push(
      pick.onDidChangeValue((v) => {
        const extra = v.trim() ? (options.typed?.(v) ?? []) : [];
        pick.items = [...extra.map((e) => ({ ...e, alwaysShow: true })), ...items];
        if (extra.length) pick.activeItems = [pick.items[0]];
      }),
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        if (chosen?.value !== undefined) done(() => resolve(chosen.value));
      }),
      pick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(() => reject(new WizardBack()))),
      pick.onDidHide(() => done(() => resolve(undefined))),
    );
    pick.show();
  });
}
