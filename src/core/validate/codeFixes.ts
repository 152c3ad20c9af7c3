/**
 * Quick fixes: replacements the checks suggest, the manifest v1 → v2 and flat → nested posture rewrites.
 */
import type { IacDiagnostic, Range } from '../iac/types';
import type { CodeFix, TextEdit } from './api';
import { convertV1ToV2 } from '../iac/manifest';
import { convertFlatPosture, isFlatPosture, REF_DIRS } from '../iac/eras';
import { isRecord } from '../iac/siteConfig';
import { LineIndex, rangesOverlap } from '../iac/text';
import type { ServiceContext } from './context';

export async function codeFixes(ctx: ServiceContext, path: string, text: string, range: Range, diagnostics: readonly IacDiagnostic[]): Promise<CodeFix[]> {
  const fixes: CodeFix[] = [];
  const lines = new LineIndex(text);
  for (const d of diagnostics) {
    if (!rangesOverlap(d.range, range)) continue;
    const replacement = d.data?.replacement;
    if (typeof replacement === 'string' && d.code !== 'manifest-v1') {
      const current = text.slice(lines.offsetAt(d.range.start), lines.offsetAt(d.range.end));
      const quote = /^["']/.test(current) ? current[0] : '';
      fixes.push({
        title: d.code === 'id-mismatch' ? `Change to '${replacement}' (the file name)` : d.code === 'yaml11-boolean' ? `Quote it: ${replacement}` : `Did you mean ${replacement}?`,
        diagnosticCode: d.code,
        edits: [{ range: d.range, newText: quote && !replacement.startsWith(quote) ? `${quote}${replacement}${quote}` : replacement }],
        isPreferred: true,
      });
    }
    if (d.code === 'manifest-v1') {
      const edit = await convertEdit(ctx, path, text, lines);
      if (edit) fixes.push({ title: 'Convert to schema_version 2 (nodes[])', diagnosticCode: d.code, edits: [edit], isPreferred: true });
    }
    if (d.code === 'posture-flat') {
      const edit = postureEdit(ctx, path, text, lines);
      if (edit) fixes.push({ title: 'Convert to the nested posture format (ssh:, sudo:, fail2ban:)', diagnosticCode: d.code, edits: [edit], isPreferred: true });
    }
  }
  return fixes;
}

function postureEdit(ctx: ServiceContext, path: string, text: string, lines: LineIndex): TextEdit | undefined {
  const { tree } = ctx.parse(path, text);
  const data = tree.docs[0]?.data;
  if (tree.errors.length || !isFlatPosture(data)) return undefined;
  const head = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|---[ \t]*\r?\n)*/.exec(text)![0];
  return { range: lines.range(head.length, text.length), newText: convertFlatPosture(data) };
}

async function convertEdit(ctx: ServiceContext, path: string, text: string, lines: LineIndex): Promise<TextEdit | undefined> {
  const { tree } = ctx.parse(path, text);
  const doc = tree.docs[0];
  if (tree.errors.length || !doc || !isRecord(doc.data)) return undefined;
  const site = await ctx.siteFor(path, 'manifest');
  const templates = new Map<string, Record<string, unknown>>();
  if (site && Array.isArray(doc.data.levels)) {
    for (const level of doc.data.levels) {
      if (isRecord(level) && typeof level.template === 'string') {
        const e = await site.load('vms', level.template);
        if (e && isRecord(e.data)) templates.set(level.template, e.data);
      }
    }
  }
  // Keep the leading comment block (and `---`) as the author wrote it.
  const head = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|---[ \t]*\r?\n)*/.exec(text)![0];
  const v2Presets = new Set<string>();
  if (site) for (const dir of REF_DIRS.preset) for (const n of await site.names(dir)) v2Presets.add(n);
  const preset = (v1: string): string => (v2Presets.has(v1) || !v2Presets.has(`vm-${v1}`) ? v1 : `vm-${v1}`);
  const body = convertV1ToV2(doc.data, { template: (id) => templates.get(id), preset });
  return { range: lines.range(head.length, text.length), newText: body };
}
