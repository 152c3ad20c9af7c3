/**
 * Quick fixes for the fleet diagnostics: each diagnostic that knows its replacement carries it in
 * `data.replacement`, for exactly its range (the value, or the attribute name for a misspelling).
 */
import type { CodeFix } from '../../validate/api';
import { rangesOverlap } from '../text';
import type { IacDiagnostic, Range } from '../types';

const TITLES: Readonly<Record<string, (replacement: string) => string>> = {
  'duplicate-vmid': (r) => `Use the free VMID ${r}`,
  'nix-vmid-range': (r) => `Use VMID ${r}`,
  'nix-unknown-attribute': (r) => `Rename to ${r}`,
  'nix-disk': (r) => `Write the size as ${r}`,
  'nix-memory': (r) => `Set memory to ${r} MB`,
  'nix-cores': (r) => `Set cores to ${r}`,
  'nix-imported-readonly': () => 'Mark the imported VM read-only',
  'nix-live-node': (r) => `Use node ${r}`,
  'nix-live-storage': (r) => `Use storage ${r}`,
  'nix-live-bridge': (r) => `Use bridge ${r}`,
};

export function nixCodeFixes(range: Range, diagnostics: readonly IacDiagnostic[]): CodeFix[] {
  const out: CodeFix[] = [];
  for (const d of diagnostics) {
    const replacement = d.data?.replacement;
    if (typeof replacement !== 'string' || !(d.code.startsWith('nix-') || d.code === 'duplicate-vmid')) continue;
    if (!rangesOverlap(d.range, range)) continue;
    const title = TITLES[d.code]?.(replacement) ?? `Replace with ${replacement}`;
    out.push({ title, diagnosticCode: d.code, edits: [{ range: d.range, newText: replacement }], isPreferred: d.code !== 'duplicate-vmid' });
  }
  return out;
}
