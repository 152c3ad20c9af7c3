import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RenderReport } from '../../../src/core/webviews/graph/protocol';
import type { GraphApi } from '../../../src/vscode/graph/register';
import type { GraphPanel } from '../../../src/vscode/graph/panel';
import { activateExtension, sleep, webviewTexts, workspaceDir } from '../harness';

export const N2 = () => path.join(workspaceDir(), 'site-config', 'manifests', 'n2-push.yaml');
export const N1 = () => path.join(workspaceDir(), 'site-config', 'manifests', 'n1-push.yaml');
/** Written before the window reloads; its presence tells the second run it runs after the reload. */
export const RELOAD_MARKER = () => path.join(workspaceDir(), '.graph-suite-reloaded.json');

export function reloaded(): boolean {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder !== undefined && fs.existsSync(path.join(folder.uri.fsPath, '.graph-suite-reloaded.json'));
}

export async function graphApi(): Promise<GraphApi> {
  const api = await activateExtension();
  if (!api?.graph) throw new Error('the extension API has no graph');
  return api.graph;
}

/** Waits until `panel` reports a render that satisfies `check`; fails with the last report seen. */
export async function waitForRender(panel: GraphPanel, check: (r: RenderReport) => boolean, what: string, timeoutMs = 45_000): Promise<RenderReport> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = panel.lastReport;
    if (r && check(r)) return r;
    await sleep(100);
  }
  throw new Error(`the graph did not show ${what} within ${timeoutMs} ms; last render: ${JSON.stringify(panel.lastReport)?.slice(0, 1500)}`);
}

/**
 * Opens `file`'s graph with `show` and waits for the page's first drawing. code-server (not VS Code) sometimes
 * leaves a webview created after others were closed blank for good — its console says "Found unexpected service
 * worker controller" and the page never loads — more often on a loaded machine. A user closes such a tab and
 * opens it again; so does this, once (for that file, whatever editor is active then), and then the test's own checks apply to the panel that drew.
 */
export async function openGraph(graph: GraphApi, file: string, show: () => Thenable<unknown>): Promise<GraphPanel> {
  await show();
  const first = await waitFor(() => graph.panels.get(file), `the graph of ${path.basename(file)} opening`);
  if (await waitForRender(first, () => true, 'a first drawing', 20_000).then(() => true, () => false)) return first;
  console.log(`[graph suite] the ${path.basename(file)} graph stayed blank for 20 s (a code-server webview that never loaded); opening it again`);
  first.panel.dispose();
  await waitFor(() => !graph.panels.has(file), `the blank graph of ${path.basename(file)} closing`);
  await vscode.commands.executeCommand('proxmoxIac.showGraph', vscode.Uri.file(file));
  return waitFor(() => graph.panels.get(file), `the graph of ${path.basename(file)} opening again`);
}

export async function waitFor<T>(get: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = get();
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

export function node(r: RenderReport, id: string) {
  const n = r.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`the graph has no node ${id}: ${r.nodes.map((x) => x.id).join(', ')}`);
  return n;
}

/** Captures what the extension writes to its log while `fn` runs. */
export async function capturingLog<T>(log: vscode.LogOutputChannel, fn: (lines: string[]) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const target = log as unknown as Record<string, unknown>;
  const originals = { warn: target.warn, info: target.info, error: target.error };
  for (const level of ['warn', 'info', 'error'] as const) {
    const original = originals[level] as (m: string, ...a: unknown[]) => void;
    target[level] = (message: string, ...args: unknown[]) => {
      lines.push(`${level}: ${message}`);
      original.call(log, message, ...args);
    };
  }
  try {
    return await fn(lines);
  } finally {
    Object.assign(target, originals);
  }
}

/** Polls the webviews' DOM until an element matching `selector` shows `expected` (text or `attribute`). */
export async function waitForWebviewText(selector: string, expected: string | RegExp, attribute?: string, timeoutMs = 30_000): Promise<string[]> {
  const matches = (t: string) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t));
  const until = Date.now() + timeoutMs;
  let texts: string[] = [];
  while (Date.now() < until) {
    texts = await webviewTexts(selector, attribute);
    if (texts.some(matches)) return texts;
    await sleep(200);
  }
  throw new Error(`no webview "${selector}" showing ${String(expected)} within ${timeoutMs} ms; seen: ${JSON.stringify(texts).slice(0, 1000)}`);
}
