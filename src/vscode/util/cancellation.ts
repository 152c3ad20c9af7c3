import type * as vscode from 'vscode';

/**
 * Runs `fn` with an AbortSignal that follows VS Code's cancellation token, so a request VS Code gives up
 * (the user typed on, moved the cursor) is given up in the language worker too. The listener on the token
 * is removed when `fn` settles.
 */
export async function withAbortSignal<T>(token: vscode.CancellationToken, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  try {
    return await fn(controller.signal);
  } finally {
    listener.dispose();
  }
}
