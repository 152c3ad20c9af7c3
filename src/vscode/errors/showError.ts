import * as vscode from 'vscode';
import { errorAction } from './errorAction';

/**
 * Logs `err` with its stack and shows one error message: what failed, the fix (errorAction.ts), the button
 * that applies it ("Re-enter Token", "Review Certificate") first, then the caller's actions, then "Show Log".
 * Resolves to the caller's action the user chose (the fix and "Show Log" are handled here).
 */
export async function showErrorWithFix(
  log: vscode.LogOutputChannel,
  /** What failed ("Cloning VM 104 failed"); undefined: the error's own sentence is the whole message. */
  summary: string | undefined,
  err: unknown,
  options: {
    readonly actions?: readonly string[];
    /** Passed to the fix's command (a tree element: the fix applies to its connection). */
    readonly commandArg?: unknown;
    /** The log line's heading when there is no summary (a command id). */
    readonly logAs?: string;
  } = {},
): Promise<string | undefined> {
  log.error(summary ?? options.logAs ?? 'Error', err instanceof Error ? (err.stack ?? err.message) : err);
  const { message, action } = errorAction(err);
  const showLog = 'Show Log';
  const buttons = [...(action ? [action.title] : []), ...(options.actions ?? []), showLog];
  const choice = await vscode.window.showErrorMessage(summary ? `${summary}: ${message}` : message, ...buttons);
  if (choice === showLog) {
    log.show(true);
    return undefined;
  }
  if (action && choice === action.title) {
    await vscode.commands.executeCommand(action.command, ...(options.commandArg !== undefined ? [options.commandArg] : []));
    return undefined;
  }
  return choice;
}
