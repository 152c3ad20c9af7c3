import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sleep, workspaceDir } from '../harness';

export function wsFile(rel: string): string {
  return path.join(workspaceDir(), rel);
}

/** Every file under the workspace whose name starts with `pwned` (what the hostile names would create). */
export function markers(dir = workspaceDir()): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('pwned')) found.push(path.relative(workspaceDir(), full));
    if (entry.isDirectory() && entry.name !== '.terraform') found.push(...markers(full));
  }
  return found;
}

export async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // Lenses are computed on an open text model, as for an editor showing the file.
  await vscode.workspace.openTextDocument(uri);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

export async function waitForLenses(uri: vscode.Uri, predicate: (ls: vscode.CodeLens[]) => boolean, what: string, timeoutMs = 20_000): Promise<vscode.CodeLens[]> {
  const until = Date.now() + timeoutMs;
  let seen: vscode.CodeLens[] = [];
  while (Date.now() < until) {
    seen = await codeLenses(uri);
    if (predicate(seen)) return seen;
    await sleep(100);
  }
  assert.fail(`${what} within ${timeoutMs} ms on ${path.basename(uri.fsPath)}; lenses: ${describeLenses(seen)}`);
}

export function describeLenses(lenses: readonly vscode.CodeLens[]): string {
  return lenses.map((l) => `${l.range.start.line + 1}:${l.command?.title ?? '?'}(${JSON.stringify(l.command?.arguments ?? [])})`).join(', ') || '(none)';
}

/** Resolves with the exit code once a task matching `match` has ended (start listening before starting it). */
export function taskEnd(match: (task: vscode.Task) => boolean, timeoutMs = 60_000): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching task ended within ${timeoutMs} ms; running: ${vscode.tasks.taskExecutions.map((t) => t.task.name).join(', ') || '(none)'}`));
    }, timeoutMs);
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (!match(e.execution.task)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.exitCode);
    });
  });
}

/** Every tool call the recording stand-ins saw, each as its argv (program name first). */
export function argvLog(): string[][] {
  const log = process.env.PROXMOX_IAC_TEST_ARGV_LOG;
  assert.ok(log, 'PROXMOX_IAC_TEST_ARGV_LOG is not set: run this suite through scripts/test-integration.mjs');
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')) : [];
}

/** Polls the argv log until a call satisfies `predicate`. */
export async function waitForCall(predicate: (argv: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const hit = argvLog().find(predicate);
    if (hit) return hit;
    await sleep(100);
  }
  assert.fail(`${what} within ${timeoutMs} ms; calls were:\n${argvLog().map((a) => a.join(' ')).join('\n') || '(none)'}`);
}

export interface Question {
  readonly text: string;
  readonly buttons: string[];
}

/**
 * Runs `action` while modal questions are answered with `answer` (undefined: Cancel) and recorded. VS Code
 * refuses modal dialogs while extension tests run; the extension and this suite share the one `vscode` API
 * object of the extension host, so the modal warning is replaced for the duration only (as the explorer
 * suite does). Non-modal messages still show.
 */
export async function answeringModals<T>(answer: string | undefined, action: () => Thenable<T>): Promise<{ result: T; questions: Question[] }> {
  const questions: Question[] = [];
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = w.showWarningMessage as (...a: unknown[]) => Thenable<unknown>;
  w.showWarningMessage = (message: string, ...rest: unknown[]) => {
    const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest[0] as vscode.MessageOptions) : undefined;
    if (!options?.modal) return original(message, ...rest);
    const buttons = rest.slice(1).map((b) => (typeof b === 'string' ? b : (b as vscode.MessageItem).title));
    questions.push({ text: message, buttons });
    return Promise.resolve(answer !== undefined && buttons.includes(answer) ? answer : undefined);
  };
  try {
    return { result: await action(), questions };
  } finally {
    w.showWarningMessage = original;
  }
}
