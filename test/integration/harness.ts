/**
 * Shared bootstrap and helpers for the integration suites that run inside real VS Code.
 *
 * A suite is a folder `test/integration/<suite>/` with an `index.ts` like:
 *
 *     // Mocha's describe/it are installed by the harness before the test files below load.
 *     export { run } from '../harness';
 *     import './activation.test';
 *
 * and test files that use mocha's BDD globals (`describe`, `it`, `before`, …) plus the helpers below.
 * `scripts/build.mjs` bundles it to `out/test/integration/<suite>/index.js`; `scripts/test-integration.mjs`
 * loads it through the workbench URL (extensionTestsPath) and VS Code calls `run()` in the extension host.
 *
 * Talking to the runner (code-server runner only): the extension host cannot see the workbench DOM, so the
 * harness asks the runner, which drives the page with playwright:
 *   1. the harness logs one line `@@proxmox-iac-test:<base64 JSON>@@`; VS Code forwards extension-host
 *      console output to the page console ("[Extension Host] …"), where the runner reads it;
 *   2. for a request `{ type: 'request', id, action, … }` the runner does the work and writes
 *      `<PROXMOX_IAC_TEST_CHANNEL>/<id>.json` = `{ ok: true, result }` or `{ ok: false, error }`;
 *   3. the harness polls for that file (the extension host runs on the same machine as the runner).
 * Actions: `screenshot {name}` → PNG path; `texts {selector, attribute?}` → innerText (or the attribute) of
 * each visible match;
 * `click {selector, hasText?}` → clicks the first visible match; `type {text}` / `press {key}` → keyboard input
to the focused element; `frameTexts` / `frameClick` / `webviewPost` do the same inside webviews (webviewTexts,
webviewClick, webviewPost below). Results per test are reported the same way
 * (`{ type: 'test', … }`), so the runner can print them live and count them.
 * Under @vscode/test-electron (PROXMOX_IAC_TEST_RUNNER=electron) there is no runner on the page side:
 * screenshot() only logs, and DOM queries throw a clear error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mochaModule from 'mocha';
import type { ExtensionApi } from '../../src/vscode/services';

export const EXTENSION_ID = 'proxmox-iac.proxmox-iac';
const MARKER = '@@proxmox-iac-test:';

// mocha 12 is an ES module; `require` of it (Node ≥ 20.19) yields a namespace whose default is Mocha.
const MochaClass = ((mochaModule as unknown as { default?: typeof Mocha }).default ?? mochaModule) as unknown as typeof Mocha;

/** The channel folder the runner answers into; unset when no code-server runner drives the page. */
const channelDir = process.env.PROXMOX_IAC_TEST_CHANNEL;

const mocha = new MochaClass({
  ui: 'bdd',
  // UI work in a fresh workbench (views opening, notifications appearing) takes seconds, not milliseconds, and
  // many seconds on a loaded machine; tests wait for state, so this only bounds a test that is stuck.
  timeout: Number(process.env.PROXMOX_IAC_TEST_TIMEOUT_MS ?? 60_000),
  color: false,
  ...(process.env.PROXMOX_IAC_TEST_GREP ? { grep: process.env.PROXMOX_IAC_TEST_GREP } : {}),
});
// Installs describe/it/before/after… as globals now, before the suite's test files are evaluated.
mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
// A picture of the workbench at the moment a test fails, next to the logs in test-results/.
mocha.suite.afterEach(async function () {
  const test = this.currentTest;
  if (test?.state === 'failed' && channelDir) {
    await screenshot(`failed-${test.fullTitle()}`).catch((err: unknown) => console.log(`failure screenshot not taken: ${String(err)}`));
  }
});

/** Sends one message to the runner through the extension-host console. */
function send(message: Record<string, unknown>): void {
  console.log(`${MARKER}${Buffer.from(JSON.stringify(message)).toString('base64')}@@`);
}

let nextRequest = 0;

/** Asks the runner to do `action` on the page and waits for its answer. */
async function request<T>(action: string, args: Record<string, unknown>, timeoutMs = 30_000): Promise<T> {
  if (!channelDir) {
    throw new Error(`"${action}" needs the code-server runner (scripts/test-integration.mjs), which can see the workbench page; this runner cannot.`);
  }
  const id = `${process.pid}-${Date.now()}-${nextRequest++}`;
  const answer = path.join(channelDir, `${id}.json`);
  send({ type: 'request', id, action, ...args });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (fs.existsSync(answer)) {
      const reply = JSON.parse(fs.readFileSync(answer, 'utf8')) as { ok: boolean; result?: T; error?: string };
      fs.rmSync(answer, { force: true });
      if (!reply.ok) throw new Error(`runner could not ${action}: ${reply.error ?? 'unknown error'}`);
      return reply.result as T;
    }
    await sleep(50);
  }
  throw new Error(`runner did not answer "${action}" within ${timeoutMs} ms`);
}

/** Asks the runner for an action a benchmark registered (see runSuite's `actions`); resolves to its result. */
export function runnerAction<T>(action: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
  return request<T>(action, args, timeoutMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Saves a screenshot of the workbench to `test-results/<version>/<suite>/<name>.png` and resolves to its
 * path (or to undefined under a runner that cannot take screenshots).
 */
export async function screenshot(name: string): Promise<string | undefined> {
  if (!channelDir) {
    console.log(`screenshot "${name}" skipped: this runner cannot take screenshots`);
    return undefined;
  }
  return request<string>('screenshot', { name });
}

/** Reports a measurement (e.g. activation time) to the runner, which prints it and stores it with the results. */
export function reportMetric(name: string, value: number, unit = 'ms'): void {
  console.log(`metric ${name} = ${value} ${unit}`);
  send({ type: 'metric', name, value, unit });
}

/**
 * innerText of every visible element in the workbench matching the CSS `selector`, or the value of
 * `attribute` (e.g. 'aria-label' for icon-only items such as activity-bar entries).
 */
export function domTexts(selector: string, attribute?: string): Promise<string[]> {
  return request<string[]>('texts', { selector, attribute });
}

/** Clicks the first visible element matching `selector` (and containing `hasText`, if given). */
export function domClick(selector: string, hasText?: string): Promise<void> {
  return request<void>('click', { selector, hasText });
}

/**
 * Types `text` with the keyboard into the focused workbench element (e.g. an open QuickInput). The text goes
 * to the runner through the extension-host console (base64), so type only test credentials.
 */
export function domType(text: string): Promise<void> {
  return request<void>('type', { text });
}

/** Presses one key or chord on the workbench page, in playwright's notation: 'Enter', 'Escape', 'Control+A'. */
export function domPressKey(key: string): Promise<void> {
  return request<void>('press', { key });
}

/**
 * Polls `domTexts(selector)` until one text matches `expected`; resolves to all texts seen then.
 * Fails with what was visible instead, so a failure says what the user would have seen.
 */
/** Polls `probe` until it gives a value (not undefined or false); fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function waitForDomText(selector: string, expected: string | RegExp, timeoutMs = 30_000, attribute?: string): Promise<string[]> {
  const matches = (t: string) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t));
  const until = Date.now() + timeoutMs;
  let texts: string[] = [];
  while (Date.now() < until) {
    texts = await domTexts(selector, attribute);
    if (texts.some(matches)) return texts;
    await sleep(200);
  }
  throw new Error(`no "${selector}" showing ${String(expected)} within ${timeoutMs} ms; visible: ${JSON.stringify(texts)}`);
}

/**
 * Text (or `attribute`) of every element matching `selector` inside the webviews' frames. Webview pages are
 * iframes the workbench selectors cannot reach; this looks into each of them.
 */
export function webviewTexts(selector: string, attribute?: string): Promise<string[]> {
  return request<string[]>('frameTexts', { selector, attribute });
}

/** Clicks the first element matching `selector` inside a webview (`button: 'right'` for its context menu). */
export function webviewClick(selector: string, button: 'left' | 'right' = 'left'): Promise<void> {
  return request<void>('frameClick', { selector, button });
}

/** Sends `message` to the extension as the webview showing `selector` would (its acquireVsCodeApi().postMessage). */
export function webviewPost(selector: string, message: unknown): Promise<void> {
  return request<void>('webviewPost', { selector, message });
}

/** Workbench selectors that hold in VS Code 1.100 and 1.139. */
export const selectors = {
  /** Message text of each notification shown, as a toast or in the open Notifications center. */
  notificationMessages:
    '.notifications-toasts .notification-toast .notification-list-item-message, .notifications-center .notification-list-item-message',
  /** Buttons of the notifications shown (toasts or Notifications center), e.g. "Show Log". */
  notificationButtons: '.notifications-toasts .notification-toast .monaco-button, .notifications-center .notification-list-item .monaco-button',
  /** Titles of the views (panes) in the side bar. */
  sideBarPaneTitles: '.part.sidebar .pane-header h3.title',
  /** Title of the side bar's current container, e.g. "PROXMOX". */
  sideBarTitle: '.part.sidebar .composite.title h2',
  /** Rows of every tree or list in the side bar. */
  sideBarTreeRows: '.part.sidebar .monaco-list-row',
  /** Activity-bar entries; icons only, so read their 'aria-label' (the container title, e.g. "Proxmox"). */
  activityBarItems: '.part.activitybar .action-item .action-label',
};

/**
 * Messages of the notifications now visible (toasts, or the Notifications center when open). To wait for one
 * use waitForNotification(), which also works on VS Code 1.139 where toasts are suppressed under test.
 */
export function visibleNotifications(): Promise<string[]> {
  return domTexts(selectors.notificationMessages);
}

/** The Notifications center's header, present on the page only while the center is open. */
const NOTIFICATIONS_CENTER_HEADER = '.notifications-center .notifications-center-header';

/**
 * Waits until a notification containing `expected` is visible and resolves to its full message.
 * VS Code ≥ 1.1xx shows no toasts while its smoke-test driver is on (NotificationsToasts.addToast returns
 * early), and code-server 4.139 needs that driver to load our development extension; so when no toast shows
 * up this opens the Notifications center (what a user gets by clicking the bell) and looks there. The center
 * closes by itself when its last notification goes (a finished progress notification, for one), and toasts
 * hide after a while, so it is opened again whenever it is found closed: a notification stays listed there
 * until dismissed, however late this looks.
 */
export async function waitForNotification(expected: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const matches = (t: string) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t));
  const until = Date.now() + timeoutMs;
  // The runner says when toasts are suppressed; otherwise give a toast 3 s before looking in the center.
  const centerAfter = Date.now() + (process.env.PROXMOX_IAC_TEST_TOASTS_HIDDEN === '1' ? 0 : 3000);
  let seen: string[] = [];
  while (Date.now() < until) {
    seen = await visibleNotifications();
    const hit = seen.find(matches);
    if (hit !== undefined) return hit;
    if (Date.now() > centerAfter && (await domTexts(NOTIFICATIONS_CENTER_HEADER)).length === 0) {
      await vscode.commands.executeCommand('notifications.showList');
    }
    await sleep(200);
  }
  throw new Error(`no notification showing ${String(expected)} within ${timeoutMs} ms; visible: ${JSON.stringify(seen)}`);
}

/** Rows the side-bar trees show now (each row's visible text). */
export function visibleTreeRows(): Promise<string[]> {
  return domTexts(selectors.sideBarTreeRows);
}

/** Our extension, activated; resolves to the API `activate` returned (undefined if activation failed). */
export async function activateExtension(): Promise<ExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<ExtensionApi | undefined>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this VS Code`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/** The opened workspace folder (each suite runs on its own copy of its fixture). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** The repository root (the extension's development path), for reading package.json and fixtures. */
export function repoRoot(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  return ext ? ext.extensionPath : path.resolve(__dirname, '../../../..');
}

/** The @vscode/test-electron contract: runs the suite's tests and rejects if any failed. */
export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    let passed = 0;
    let failed = 0;
    const runner = mocha.run((failures) => {
      send({ type: 'end', passed, failed });
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else if (passed === 0) reject(new Error('the suite ran no tests'));
      else resolve();
    });
    runner.on('pass', (test: Mocha.Test) => {
      passed++;
      send({ type: 'test', state: 'passed', title: test.fullTitle(), durationMs: test.duration ?? 0 });
    });
    runner.on('fail', (test: Mocha.Runnable, err: Error) => {
      failed++;
      send({ type: 'test', state: 'failed', title: test.fullTitle(), error: err.stack ?? err.message });
    });
  });
}
