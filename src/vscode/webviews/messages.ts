import type * as vscode from 'vscode';
import { describeMessage } from '../../core/webviews/guards';

/**
 * Listens to a webview's messages and hands only well-formed ones to `handler`: anything `guard` rejects is
 * ignored and logged (never its content, which the page controls). The handler's errors are logged too.
 */
export function onValidMessage<T>(
  webview: vscode.Webview,
  panelName: string,
  guard: (v: unknown) => v is T,
  log: vscode.LogOutputChannel,
  handler: (message: T) => void | Promise<void>,
): vscode.Disposable {
  return webview.onDidReceiveMessage(async (message: unknown) => {
    if (!guard(message)) {
      log.warn(`${panelName}: ignored ${describeMessage(message)} from the webview.`);
      return;
    }
    try {
      await handler(message);
    } catch (err) {
      log.error(`${panelName}: handling a "${String((message as { type?: unknown }).type)}" message failed`, err instanceof Error ? (err.stack ?? err.message) : err);
    }
  });
}
