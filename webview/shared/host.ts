/**
 * The page side of a webview's connection to the extension: a typed postMessage, getState/setState for
 * restoring after a reload or while hidden, and a message listener that checks every message with the
 * protocol's guard first (a message of the wrong shape is ignored and reported to the extension's log).
 * Imports only pure modules: never `vscode`, never src/vscode.
 */
import { describeMessage } from '../../src/core/webviews/guards';
import type { WebviewLogMessage } from '../../src/core/webviews/common';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host<State, FromPage> {
  post(message: FromPage | WebviewLogMessage): void;
  /** The state saved by setState (after a reload or when the panel was hidden), if `isState` accepts it. */
  savedState(): State | undefined;
  setState(state: State): void;
  /** Calls `handler` for each message from the extension that `guard` accepts. */
  onMessage<ToPage>(guard: (v: unknown) => v is ToPage, handler: (message: ToPage) => void): void;
  log(level: WebviewLogMessage['level'], message: string): void;
}

/** Call once per page (VS Code allows acquireVsCodeApi only once). */
export function connectHost<State, FromPage>(isState: (v: unknown) => v is State): Host<State, FromPage> {
  const api = acquireVsCodeApi();
  const host: Host<State, FromPage> = {
    post: (message) => api.postMessage(message),
    savedState: () => {
      const s = api.getState();
      return isState(s) ? s : undefined;
    },
    setState: (state) => api.setState(state),
    onMessage: (guard, handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (guard(event.data)) handler(event.data);
        else host.log('warn', `ignored ${describeMessage(event.data)} from the extension`);
      });
    },
    log: (level, message) => api.postMessage({ type: 'log', level, message } satisfies WebviewLogMessage),
  };
  return host;
}

/** The JSON the extension put into <body data-state> (renderWebviewHtml's initialState), if any. */
export function initialState(): unknown {
  const raw = document.body.dataset.state;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
