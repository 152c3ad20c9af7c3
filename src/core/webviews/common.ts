/**
 * Messages every webview protocol shares. Each webview's protocol (src/core/webviews/<name>/protocol.ts)
 * adds these to its webview → extension union, so the page can report problems to the extension's log.
 */
import { isOneOf, isRecord, isString } from './guards';

/** webview → extension: a line for the "Proxmox IaC" output channel (e.g. a message the page ignored). */
export interface WebviewLogMessage {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

const isLevel = isOneOf(['info', 'warn', 'error'] as const);

export function isWebviewLogMessage(v: unknown): v is WebviewLogMessage {
  return isRecord(v) && v.type === 'log' && isLevel(v.level) && isString(v.message) && v.message.length <= 2000;
}
