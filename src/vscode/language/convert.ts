import * as vscode from 'vscode';
import type { IacDiagnostic, Pos, Range, Severity } from '../../core/iac/types';

/** The `source` every diagnostic of ours carries, so users can filter the Problems panel by it. */
export const DIAGNOSTIC_SOURCE = 'Proxmox IaC';

export function toPosition(pos: Pos): vscode.Position {
  return new vscode.Position(Math.max(0, pos.line), Math.max(0, pos.character));
}

export function toRange(range: Range): vscode.Range {
  return new vscode.Range(toPosition(range.start), toPosition(range.end));
}

export function fromPosition(pos: vscode.Position): Pos {
  return { line: pos.line, character: pos.character };
}

export function fromRange(range: vscode.Range): Range {
  return { start: fromPosition(range.start), end: fromPosition(range.end) };
}

/** Diagnostics about legacy syntax: VS Code strikes the range through. */
const DEPRECATION_CODES: ReadonlySet<string> = new Set(['manifest-v1']);

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: IacDiagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITIES[d.severity] ?? vscode.DiagnosticSeverity.Error);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = d.code;
  if (DEPRECATION_CODES.has(d.code) || d.code.startsWith('deprecated')) diagnostic.tags = [vscode.DiagnosticTag.Deprecated];
  return diagnostic;
}

/** Identity of a diagnostic that survives VS Code copying it (code actions get copies, not our objects). */
export function diagnosticKey(range: Range, message: string, code: string): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}|${code}|${message}`;
}

export function vscodeDiagnosticKey(d: vscode.Diagnostic): string {
  const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
  return diagnosticKey(fromRange(d.range), d.message, code);
}
