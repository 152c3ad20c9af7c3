import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  activateExtension,
  domClick,
  domPressKey,
  domTexts,
  domType,
  screenshot,
  selectors,
  sleep,
  waitForDomText,
  waitForNotification,
} from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';

/** What sim-host.ts wrote: the simulator the wizard connects to, and the tripwire a workspace file offers. */
interface SimInfo {
  readonly url: string;
  readonly fingerprint: string;
  readonly tokens: { readonly admin: { readonly id: string; readonly secret: string } };
  readonly tripwire: string;
  readonly control: string;
}

/** The example endpoint in test/fixtures/connections/site-config/nodes/pve1.yaml (TEST-NET-1). */
const EXAMPLE_ENDPOINT = 'https://192.0.2.10:8006';
const TITLE = 'Add Proxmox Connection';
const NAME = 'Simulated cluster';

const qi = {
  title: '.quick-input-widget .quick-input-title',
  rows: '.quick-input-widget .quick-input-list .monaco-list-row',
  message: '.quick-input-widget .quick-input-message',
};

let sim: SimInfo;
let explorer: ExplorerApi;

function simInfo(): SimInfo {
  const file = process.env.PROXMOX_IAC_TEST_SIM_INFO;
  if (!file) throw new Error('PROXMOX_IAC_TEST_SIM_INFO is not set: run this suite through scripts/test-integration.mjs');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SimInfo;
}

async function tripwireConnections(): Promise<number> {
  const res = await fetch(`${sim.control}/tripwire`);
  return ((await res.json()) as { connections: number }).connections;
}

/** Waits until the QuickInput shows step `n` of the wizard ("Add Proxmox Connection (n/5)"). */
async function waitForStep(n: number): Promise<void> {
  await waitForDomText(qi.title, `${TITLE} (${n}/5)`);
}

async function waitForGone(selector: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await domTexts(selector)).length === 0) return;
    await sleep(150);
  }
  throw new Error(`"${selector}" is still visible after ${timeoutMs} ms`);
}

/** Rows of the QuickInput now visible; the focused one is what Enter chooses. */
const focusedRow = `${qi.rows}.focused`;

/** Waits until the certificate question (a QuickPick, "Trust the certificate of 127.0.0.1:PORT?") is shown. */
async function waitForTrustQuestion(): Promise<string[]> {
  await waitForDomText(qi.title, /^Trust the certificate of 127\.0\.0\.1:\d+\?/, 20_000);
  return waitForDomText(qi.rows, 'Trust Certificate');
}

/**
 * Starts "Proxmox: Add Connection" (not awaited: it waits for the user) and answers its five steps by
 * typing, as a user does; resolves once the certificate question is shown, with the command's own promise
 * and the question's rows.
 */
async function fillWizard(secret = sim.tokens.admin.secret): Promise<{ finished: Thenable<unknown>; rows: string[] }> {
  const finished = vscode.commands.executeCommand('proxmoxIac.addConnection');
  await waitForStep(1);
  await domType(sim.url);
  await waitForDomText(qi.rows, `${sim.url}`);
  await domPressKey('Enter');
  await waitForStep(2);
  await waitForDomText(qi.rows, 'API token');
  await domClick(qi.rows, 'API token');
  await waitForStep(3);
  await domType(sim.tokens.admin.id);
  await domPressKey('Enter');
  await waitForStep(4);
  await domType(secret);
  await domPressKey('Enter');
  await waitForStep(5);
  await domPressKey('Control+A');
  await domType(NAME);
  await domPressKey('Enter');
  return { finished, rows: await waitForTrustQuestion() };
}

/**
 * VS Code refuses to show modal dialogs while extension tests run (DialogService "refused to show dialog in
 * tests", as an error). The extension and this suite share the one `vscode` API object of the extension host,
 * so the failed-login dialog — and only it — is recorded here (message and buttons in their order; the first
 * is the default) and answered as a user pressing Escape would: Cancel (undefined).
 */
function recordFailedLoginDialog(): { asked: Promise<{ message: string; buttons: string[] }>; restore(): void } {
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = w.showErrorMessage as (...a: unknown[]) => Thenable<unknown>;
  let asked!: (p: { message: string; buttons: string[] }) => void;
  const question = new Promise<{ message: string; buttons: string[] }>((resolve) => (asked = resolve));
  w.showErrorMessage = (message: string, ...rest: unknown[]) => {
    const options = rest[0] as vscode.MessageOptions | undefined;
    if (options?.modal && message.startsWith('The connection test failed')) {
      asked({ message, buttons: rest.slice(1).map((b) => (typeof b === 'string' ? b : (b as vscode.MessageItem).title)) });
      return Promise.resolve(undefined);
    }
    return original(message, ...rest);
  };
  return { asked: question, restore: () => (w.showErrorMessage = original) };
}

function normalised(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

function userSettingsText(): string {
  const dir = process.env.PROXMOX_IAC_TEST_USER_DATA;
  if (!dir) throw new Error('PROXMOX_IAC_TEST_USER_DATA is not set: run this suite through scripts/test-integration.mjs');
  return fs.readFileSync(path.join(dir, 'User', 'settings.json'), 'utf8');
}

function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.log')).map((e) => path.join(e.parentPath, e.name));
}

describe('Proxmox: Add Connection', function () {
  this.timeout(180_000);

  before(async () => {
    sim = simInfo();
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
  });

  beforeEach(async () => {
    // A notification center left open by an earlier wait would take this test's keys.
    await vscode.commands.executeCommand('notifications.hideList');
  });

  afterEach(async () => {
    // A failed step leaves the wizard open; the next test starts from a clean workbench.
    for (let i = 0; i < 3 && (await domTexts(qi.title)).length > 0; i++) {
      await domPressKey('Escape');
      await waitForGone(qi.title, 5_000).catch(() => undefined);
    }
  });

  it('offers the workspace endpoints in the URL step and never contacts them', async () => {
    const finished = vscode.commands.executeCommand('proxmoxIac.addConnection');
    await waitForStep(1);
    const rows = await waitForDomText(qi.rows, EXAMPLE_ENDPOINT);
    const example = rows.find((r) => r.includes(EXAMPLE_ENDPOINT)) ?? '';
    assert.match(example, /pve1/, 'the offer names the node');
    assert.match(example, /site-config\/nodes\/pve1\.yaml:5/, 'the offer says where it was found');
    assert.match(example, /nothing connects until you finish/);
    assert.ok(rows.some((r) => r.includes(sim.tripwire)), `the tripwire endpoint is not offered; rows: ${JSON.stringify(rows)}`);
    await screenshot('url-step-offers');
    await domPressKey('Escape');
    await finished;
    await waitForGone(qi.title);
    assert.deepEqual(vscode.workspace.getConfiguration('proxmoxIac').get('connections') ?? [], []);
    assert.equal(await tripwireConnections(), 0, 'an offered endpoint was contacted');
  });

  it('refuses a text that is no URL with a message on the URL step', async () => {
    const finished = vscode.commands.executeCommand('proxmoxIac.addConnection');
    await waitForStep(1);
    await domType('pve example:8006');
    const rows = await waitForDomText(qi.rows, '"pve example:8006" is not a Proxmox VE URL');
    assert.match(rows.find((r) => r.includes('is not a Proxmox VE URL')) ?? '', /e\.g\. https:\/\/pve\.example\.com:8006/, 'the message says what a URL looks like');
    await screenshot('url-step-invalid');
    await domPressKey('Enter');
    await sleep(500);
    // Enter on the message does nothing: the wizard stays on the URL step with the text.
    await waitForStep(1);
    assert.ok((await domTexts(qi.rows)).some((r) => r.includes('is not a Proxmox VE URL')));
    await domPressKey('Escape');
    await finished;
    assert.deepEqual(vscode.workspace.getConfiguration('proxmoxIac').get('connections') ?? [], []);
  });

  it('refusing the certificate adds no connection; "Do Not Trust" is the default', async () => {
    const { finished, rows } = await fillWizard();
    assert.match(rows[0], /Do Not Trust/, `the safe choice is not first: ${JSON.stringify(rows)}`);
    assert.match((await domTexts(focusedRow)).join('\n'), /Do Not Trust/, 'Enter would not choose "Do Not Trust"');
    assert.ok(rows.some((r) => /not publicly trusted/i.test(r)), JSON.stringify(rows));
    await domPressKey('Enter');
    await finished;
    assert.deepEqual(vscode.workspace.getConfiguration('proxmoxIac').get('connections') ?? [], []);
    assert.ok(!userSettingsText().includes(NAME), 'the refused connection reached settings.json');
    assert.ok(!(await explorer.provider.getChildren()).some((e) => e.id.startsWith('conn:')), 'the explorer shows a connection');
    const treeRows = await domTexts(selectors.sideBarTreeRows);
    assert.ok(!treeRows.some((r) => r.includes(NAME)), `the explorer shows the refused connection: ${JSON.stringify(treeRows)}`);
    await waitForDomText('.part.sidebar .pane-body', 'No Proxmox connection yet');
    // The certificate was only looked at (a TLS handshake): no API request, so the secret never left.
    const res = await fetch(`${sim.control}/requests`);
    assert.deepEqual(((await res.json()) as { requests: string[] }).requests, [], 'an API request reached the untrusted server');
    assert.equal(await tripwireConnections(), 0, 'an offered endpoint was contacted');
  });

  it('after a failed login the safe choice is the default, and closing it goes back with every answer kept', async () => {
    const dialog = recordFailedLoginDialog();
    try {
      const { finished } = await fillWizard('00000000-0000-4000-8000-000000000000');
      await domPressKey('ArrowDown');
      await waitForDomText(focusedRow, 'Trust Certificate');
      await domPressKey('Enter');
      const asked = await Promise.race([dialog.asked, sleep(30_000).then(() => Promise.reject(new Error('no failed-login dialog within 30 s')))]);
      assert.match(asked.message, /rejected the credentials/);
      assert.equal(asked.buttons[0], 'Correct the Token or Password', `the default button is ${asked.buttons[0]}`);
      assert.deepEqual(asked.buttons, ['Correct the Token or Password', 'Save Anyway']);
      // The dialog closed as Cancel: the wizard is back at the token step, and each answer is still there —
      // Enter alone gets through the token ID and the secret (each step refuses an empty answer).
      await waitForStep(3);
      await screenshot('failed-login-back-at-token');
      await domPressKey('Enter');
      await waitForStep(4);
      await domPressKey('Enter');
      await waitForStep(5);
      await domPressKey('Escape');
      await finished;
    } finally {
      dialog.restore();
    }
    assert.deepEqual(vscode.workspace.getConfiguration('proxmoxIac').get('connections') ?? [], []);
  });

  it('shows the certificate fingerprint, and after "Trust Certificate" the cluster appears with its nodes', async () => {
    const { finished, rows: question } = await fillWizard();
    await screenshot('trust-certificate-step');
    // The fingerprint shows in full, as two rows of 16 bytes under "SHA-256 fingerprint".
    const halves = question.map((r) => /(?:[0-9A-F]{2}:){15}[0-9A-F]{2}/.exec(r)?.[0]).filter((h): h is string => h !== undefined);
    const shown = halves.slice(0, 2).join(':');
    assert.equal(halves.length, 2, `no fingerprint in the question: ${JSON.stringify(question)}`);
    assert.equal(normalised(shown), normalised(sim.fingerprint), 'the question shows another fingerprint than the server has');
    assert.equal(shown.split(':').length, 32, 'a SHA-256 fingerprint has 32 bytes');
    assert.match(question.join('\n'), /pvenode cert info/, 'the question says how to compare the fingerprint');
    // "Trust Certificate" is the second choice: one step down from the focused "Do Not Trust".
    await domPressKey('ArrowDown');
    await waitForDomText(focusedRow, 'Trust Certificate');
    await domPressKey('Enter');
    await finished;
    // The confirmation stays listed in the Notifications center (waitForNotification reopens the center, which
    // closes by itself when the "Testing the connection…" progress before it goes away).
    assert.match(await waitForNotification(`Connected to "${NAME}"`), /Proxmox VE 9\.1/);

    // What the user sees: the connection in the explorer and, below it, the simulated cluster's nodes.
    await waitForDomText(selectors.sideBarTreeRows, NAME);
    const root = (await explorer.provider.getChildren()).find((e) => explorer.provider.getTreeItem(e).label === NAME);
    assert.ok(root, 'the new connection is not a root of the explorer');
    await explorer.treeView.reveal(root, { select: false, focus: false, expand: true });
    // A node row reads "promonline · 6% · …" (label and description with no space in innerText).
    const rows = await waitForDomText(selectors.sideBarTreeRows, /^prom\s*online/);
    for (const node of ['father', 'pve3']) assert.ok(rows.some((r) => new RegExp(`^${node}\\s*online`).test(r)), `node ${node} is not shown; rows: ${JSON.stringify(rows)}`);
    await screenshot('connection-added');

    // Settings hold URL, token id and the trusted fingerprint — never the secret.
    const saved = vscode.workspace.getConfiguration('proxmoxIac').get<Record<string, unknown>[]>('connections') ?? [];
    assert.equal(saved.length, 1);
    assert.equal(saved[0].url, sim.url);
    assert.equal(saved[0].auth, 'token');
    assert.equal(saved[0].tokenId, sim.tokens.admin.id);
    assert.equal(normalised(String(saved[0].fingerprint)), normalised(sim.fingerprint));
    const settingsText = userSettingsText();
    assert.ok(settingsText.includes(sim.tokens.admin.id), 'settings.json does not hold the connection');
    assert.ok(!settingsText.includes(sim.tokens.admin.secret), 'the token secret is in settings.json');

    // No log file (the extension's output channel included) holds the secret.
    const logs = logFiles(path.join(process.env.PROXMOX_IAC_TEST_USER_DATA ?? '', 'logs'));
    assert.ok(
      logs.some((f) => path.basename(f) === 'Proxmox IaC.log'),
      `the extension's log channel file is not among the logs: ${JSON.stringify(logs.map((f) => path.basename(f)))}`,
    );
    for (const file of logs) assert.ok(!fs.readFileSync(file, 'utf8').includes(sim.tokens.admin.secret), `the token secret is in ${file}`);
    assert.equal(await tripwireConnections(), 0, 'an offered endpoint was contacted');
    // The request log the refusal test found empty does record: the trusted connection was tested.
    const requests = ((await (await fetch(`${sim.control}/requests`)).json()) as { requests: string[] }).requests;
    assert.ok(requests.some((r) => /^GET \S*\/version$/.test(r)), `no version request logged: ${JSON.stringify(requests.slice(0, 5))}`);
  });
  it('refuses to add the same cluster URL twice and offers to edit the existing connection', async () => {
    const finished = vscode.commands.executeCommand('proxmoxIac.addConnection');
    await waitForStep(1);
    await domType(sim.url.replace('https://', ''));
    const rows = await waitForDomText(qi.rows, `Edit "${NAME}"`);
    assert.match(rows.find((r) => r.includes(`Edit "${NAME}"`)) ?? '', new RegExp(`A connection to ${sim.url.replace(/[.]/g, '\\.')} exists already`));
    assert.ok(!rows.some((r) => r.includes('use this URL')), `the duplicate URL can still be chosen: ${JSON.stringify(rows)}`);
    await screenshot('url-step-duplicate');
    await domPressKey('Enter');
    await waitForDomText(qi.title, `Edit Proxmox Connection "${NAME}" (1/5)`);
    await domPressKey('Escape');
    await waitForGone(qi.title);
    await finished;
    const saved = vscode.workspace.getConfiguration('proxmoxIac').get<unknown[]>('connections') ?? [];
    assert.equal(saved.length, 1, 'a second connection to the same cluster was added');
  });
});
