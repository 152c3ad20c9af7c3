/**
 * Completion of keys (from the schema) and values (references, enums, images), also while the text does not parse.
 */
import type { IacFormat, Pos, Range } from '../iac/types';
import type { CompletionResult } from './api';
import { detectFormat } from '../iac/formats';
import { manifestNodes } from '../iac/manifest';
import { schemaAt } from '../iac/schemas';
import { ruleAt } from '../iac/siteChecks';
import { isRecord, SiteConfig } from '../iac/siteConfig';
import { LineIndex } from '../iac/text';
import { pathAt, type PathSegment } from '../iac/yaml/parse';
import type { ServiceContext } from './context';
import { docAt, schemaKeyFor } from './shared';
import { indentPath, siblingKeys } from './indentation';

export async function completions(ctx: ServiceContext, path: string, text: string, pos: Pos): Promise<CompletionResult[]> {
  try {
    return await completionsUnsafe(ctx, path, text, pos);
  } catch {
    return [];
  }
}

async function completionsUnsafe(ctx: ServiceContext, path: string, text: string, pos: Pos): Promise<CompletionResult[]> {
  const format = detectFormat(path);
  if (!format || format === 'hosts-nix' || format === 'vm-definitions-nix') return [];
  const lines = new LineIndex(text);
  // Work from the line itself: while typing, the text is often not valid YAML yet.
  const line = lines.lineText(pos.line);
  const before = line.slice(0, pos.character);
  const m = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:\s*(["']?)([^"'#]*)$/.exec(before);
  if (!m) return keyCompletions(path, format, text, lines, pos, before, line);
  const key = m[3];
  const typed = m[5];
  const valueStart = pos.character - typed.length;
  const rest = line.slice(pos.character);
  const restWord = /^[^\s"'#]*/.exec(rest)![0];
  const range: Range = { start: { line: pos.line, character: valueStart }, end: { line: pos.line, character: pos.character + restWord.length } };
  const keyPath = keyPathAt(ctx, path, text, lines, pos, key);
  const site = await ctx.siteFor(path, format);
  const candidates = await valueCandidates(ctx, format, keyPath, key, text, path, site);
  return candidates
    .filter((c) => c.label.startsWith(typed) || typed === '')
    .map((c) => ({ ...c, range }));
}

/** Keys the schema allows at the cursor (a new line in a mapping or list item), minus those already there. */
function keyCompletions(path: string, format: IacFormat, text: string, lines: LineIndex, pos: Pos, before: string, line: string): CompletionResult[] {
  const km = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)?$/.exec(before);
  if (!km || (km[1] === '' && km[2] === undefined && pos.line > 0 && before === '' && line.trim() !== '')) return [];
  const typed = km[3] ?? '';
  const parent = indentPath(lines, pos.line, '\u0000').slice(0, -1).map((s) => (typeof s === 'number' ? 0 : s));
  const schemaKey = format === 'manifest' ? (/^\s*levels\s*:/m.test(text) && !/^\s*nodes\s*:/m.test(text) ? 'manifest-v1' : 'manifest-v2') : schemaKeyFor(format, path);
  const schema = schemaAt(schemaKey, parent);
  if (!schema?.properties) return [];
  const present = siblingKeys(lines, pos.line);
  const restWord = /^[\w-]*/.exec(line.slice(pos.character))![0];
  const range: Range = { start: { line: pos.line, character: pos.character - typed.length }, end: { line: pos.line, character: pos.character + restWord.length } };
  return Object.entries(schema.properties)
    .filter(([k]) => k.startsWith(typed) && !present.has(k))
    .map(([k, p]) => ({ label: k, ...(p.title ? { detail: p.title } : {}), range, kind: 'key' as const }));
}

/** The path of the key being completed: from the parse tree when it parses, else from indentation. */
function keyPathAt(ctx: ServiceContext, path: string, text: string, lines: LineIndex, pos: Pos, key: string): PathSegment[] {
  const { tree } = ctx.parse(path, text);
  if (!tree.errors.length) {
    const offset = lines.offsetAt({ line: pos.line, character: lines.lineText(pos.line).indexOf(key) });
    const doc = docAt(tree, offset);
    if (doc?.root) {
      const at = pathAt(doc.root, offset);
      if (at.path[at.path.length - 1] === key) return at.path;
    }
  }
  return indentPath(lines, pos.line, key);
}

async function valueCandidates(ctx: ServiceContext, format: IacFormat, keyPath: PathSegment[], key: string, text: string, path: string, site: SiteConfig | undefined): Promise<Omit<CompletionResult, 'range'>[]> {
  const normalized = keyPath.map((s) => (typeof s === 'number' ? 0 : s));
  const rule = ruleAt(format, normalized);
  if (rule && 'dir' in rule.target && site) {
    const dirs = typeof rule.target.dir === 'string' ? [rule.target.dir] : rule.target.dir;
    const names = [...new Set((await Promise.all(dirs.map((d) => site.names(d)))).flat())];
    return names.map((n) => ({ label: n, detail: `${dirs[0]}/${n}.yaml`, kind: 'reference' as const }));
  }
  if (rule && 'secrets' in rule.target && site) {
    const section = rule.target.secrets;
    const keys = (await site.secretKeys())?.[section] ?? [];
    return keys.map((k) => ({ label: k, detail: `secrets.yaml ${section}`, kind: 'reference' as const }));
  }
  if (format === 'manifest' && key === 'parent') {
    const names = new Set<string>();
    for (const m of text.matchAll(/^\s+(?:-\s+)?name:\s*["']?([a-z][a-z0-9-]*)/gm)) names.add(m[1]);
    // Only pve nodes can host children: list them first when the file parses.
    const { tree } = ctx.parse(path, text);
    const pve = new Set(manifestNodes(tree.docs[0]?.data).filter((n) => n.type === 'pve').map((n) => n.name));
    return [...names].map((n) => ({ label: n, detail: pve.has(n) ? 'pve node' : 'node of this manifest', kind: 'reference' as const }));
  }
  if (format === 'manifest' && key === 'image') {
    const images = new Set(['debian-12', 'debian-13', 'pve-9', 'debian-13-pve']);
    for (const m of text.matchAll(/^\s*-?\s*image:\s*["']?([\w.-]+)/gm)) images.add(m[1]);
    if (site) {
      for (const id of await site.names('vms')) {
        const e = await site.load('vms', id);
        if (isRecord(e?.data) && typeof e.data.image === 'string') images.add(e.data.image);
      }
    }
    return [...images].sort().map((i) => ({ label: i, detail: 'image', kind: 'value' as const }));
  }
  const schemaKey = format === 'manifest' ? (/^\s*levels\s*:/m.test(text) && !/^\s*nodes\s*:/m.test(text) ? 'manifest-v1' : 'manifest-v2') : schemaKeyFor(format, path);
  const schema = schemaAt(schemaKey, normalized);
  const values = schema?.enum ?? (schema?.type === 'boolean' ? [true, false] : []);
  return values.map((v) => ({ label: String(v), detail: schema?.title, kind: 'value' as const }));
}
