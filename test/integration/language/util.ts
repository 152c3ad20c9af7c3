import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sleep, workspaceDir } from '../harness';

export const SOURCE = 'Proxmox IaC';

/** Absolute path of a file in the suite's copy of the fixture site-config. */
export function siteFile(rel: string): string {
  return path.join(workspaceDir(), 'site-config', rel);
}

export function siteUri(rel: string): vscode.Uri {
  return vscode.Uri.file(siteFile(rel));
}

/**
 * Where `needle` starts in a fixture file (its `occurrence`-th match, 0-based), as VS Code would show it.
 * Tests compute expected positions from the text so they point at the seeded mistake, not at a guess.
 */
export function positionOf(text: string, needle: string, occurrence = 0): vscode.Position {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    assert.notEqual(index, -1, `"${needle}" (occurrence ${occurrence}) is not in the fixture`);
  }
  const before = text.slice(0, index).split('\n');
  return new vscode.Position(before.length - 1, (before.at(-1) ?? '').length);
}

export function fileText(rel: string): string {
  return fs.readFileSync(siteFile(rel), 'utf8');
}

/** Our diagnostics of a file, as the Problems panel has them. */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Polls the Problems data of `uri` until `predicate` holds; fails with what was there instead. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  const until = Date.now() + timeoutMs;
  let seen = ourDiagnostics(uri);
  while (Date.now() < until) {
    seen = ourDiagnostics(uri);
    if (predicate(seen)) return seen;
    await sleep(50);
  }
  assert.fail(`${what} within ${timeoutMs} ms in ${path.basename(uri.fsPath)}; diagnostics were: ${describeDiagnostics(seen)}`);
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${vscode.DiagnosticSeverity[d.severity]} [${String(typeof d.code === 'object' ? d.code.value : d.code)}] ${d.message}`)
    .join(' | ');
}

export function startsAt(d: vscode.Diagnostic, pos: vscode.Position): boolean {
  return d.range.start.isEqual(pos);
}

export const isError = (d: vscode.Diagnostic): boolean => d.severity === vscode.DiagnosticSeverity.Error;

/** Text of a hover's contents, whatever form each part has. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}
