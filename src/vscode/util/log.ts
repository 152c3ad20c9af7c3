import * as vscode from 'vscode';
import { showErrorWithFix } from '../errors/showError';

/**
 * The extension's one log channel. Errors go here with their stack; what reaches the user is one sentence
 * with an action. Never pass secrets to it.
 */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Proxmox IaC', { log: true });
}

/** A message for a thrown value, without a stack. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Logs `err` and shows one clear error message with the given actions; resolves to the chosen action. An error
 * with a known fix (a 401: "Re-enter Token") offers it first, as the tree does (errors/showError.ts);
 * "Show Log" is always offered last.
 */
export function reportError(log: vscode.LogOutputChannel, summary: string, err: unknown, ...actions: string[]): Promise<string | undefined> {
  return showErrorWithFix(log, summary, err, { actions });
}
