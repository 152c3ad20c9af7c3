import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RenderReport, RenderedRow } from '../../../src/core/webviews/agentboard/protocol';
import type { AgentBoardApi } from '../../../src/vscode/webviews/agentboard/register';
import type { AgentBoardPanel } from '../../../src/vscode/webviews/agentboard/panel';
import { activateExtension, sleep } from '../harness';

export { capturingLog, waitFor, waitForWebviewText } from '../graph/util';

/** Written before the window reloads; its presence tells the second run it runs after the reload. */
export const RELOAD_MARKER = '.agentboard-suite-reloaded.json';

export function markerPath(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return path.join(folder.uri.fsPath, RELOAD_MARKER);
}

export function reloaded(): boolean {
  return fs.existsSync(markerPath());
}

export async function boardApi(): Promise<AgentBoardApi> {
  const api = await activateExtension();
  if (!api?.agentBoard) throw new Error('the extension API has no agentBoard');
  return api.agentBoard;
}

/** Polls an async `get` until it gives a value; fails naming `what`. */
export async function waitForAsync<T>(get: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await get();
    if (v) return v;
    await sleep(150);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

/** Waits until `panel` reports a render that satisfies `check`; fails with the last report seen. */
export async function waitForRender(panel: AgentBoardPanel, check: (r: RenderReport) => boolean, what: string, timeoutMs = 45_000): Promise<RenderReport> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = panel.lastReport;
    if (r && check(r)) return r;
    await sleep(100);
  }
  throw new Error(`the board did not show ${what} within ${timeoutMs} ms; last render: ${JSON.stringify(panel.lastReport)?.slice(0, 2000)}`);
}

export function rows(r: RenderReport): RenderedRow[] {
  return r.groups.flatMap((g) => g.rows);
}

export function row(r: RenderReport, vmid: number): RenderedRow {
  const x = rows(r).find((y) => y.vmid === vmid);
  if (!x) throw new Error(`the board has no row for VM ${vmid}: ${rows(r).map((y) => y.vmid).join(', ')}`);
  return x;
}

/** Every row checked (none "checking…" or "not checked yet"). */
export function settled(r: RenderReport): boolean {
  const all = rows(r);
  return all.length > 0 && all.every((x) => x.state !== 'checking…' && x.hint !== 'not checked yet.');
}

/** The simulator's control server (test/integration/explorer/sim-host.ts). */
export async function simControl(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<unknown> {
  const base = process.env.PROXMOX_IAC_TEST_SIM_CONTROL;
  if (!base) throw new Error('PROXMOX_IAC_TEST_SIM_CONTROL is not set');
  const res = await fetch(`${base}${pathname}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
  return res.json();
}
