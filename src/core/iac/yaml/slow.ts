/** The slow path (`yaml` package, loaded on first use): error-tolerant, with exact error ranges; js-yaml alone above the CST limit. */
import * as jsyaml from 'js-yaml';
import { capErrors, expandsBeyond, nestsDeeperThan } from './bounds';
import { tryFast } from './fast';
import { lastEnd, trimEnd, type YamlDoc, type YamlSyntaxError, type YamlTree, type YNode } from './tree';

/**
 * Files above this size get no `yaml` CST: it reads about 1 MB/s, so a broken 1 MB file would hold the
 * validator for a second or more. Larger files that js-yaml refuses take `parseLarge` (linear, first error
 * only) instead.
 */
const CST_LIMIT = 256_000;

/** Deeper nesting is reported, not parsed: the `yaml` parser slows down with depth, js-yaml overflows. */
const MAX_DEPTH = 500;

/** A file of repeated mistakes yields at most this many errors (plus one that counts the rest). */
const MAX_ERRORS = 100;

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
function loadYaml(): YamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlModule ??= require('yaml') as YamlModule;
  return yamlModule;
}

export function parseSlow(text: string): YamlTree {
  if (nestsDeeperThan(text, MAX_DEPTH)) {
    return { docs: [], errors: [{ start: 0, end: 0, message: describeCrash(new RangeError('nesting too deep')) }], path: 'slow' };
  }
  if (text.length > CST_LIMIT) return parseLarge(text);
  const Y = loadYaml();
  let parsed: ReturnType<YamlModule['parseAllDocuments']>;
  try {
    // `yaml`'s own duplicate-key check compares each key with every earlier one (quadratic: a 450 KB map
    // took 6 s); `convert` finds duplicates instead, one Set per mapping.
    parsed = Y.parseAllDocuments(text, { schema: 'core', uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    return { docs: [], errors: [{ start: 0, end: 0, message: describeCrash(err) }], path: 'slow' };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  const errors: YamlSyntaxError[] = [];
  if (!Array.isArray(parsed)) {
    for (const e of (parsed as { errors?: { pos: [number, number]; message: string }[] }).errors ?? []) errors.push(yamlError(e));
  }
  const docs: YamlDoc[] = [];
  for (const doc of list) {
    const docStart = doc.range?.[0] ?? 0;
    const docErrors = doc.errors.map(yamlError);
    let data: unknown;
    let root: YNode | undefined;
    try {
      const duplicates: number[] = [];
      root = doc.contents ? convert(Y, doc.contents, 0, text, duplicates) : undefined;
      for (const at of duplicates) docErrors.push(yamlError({ pos: [at, at + 1], message: 'Map keys must be unique', code: 'DUPLICATE_KEY' }));
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      docErrors.push({ start: docStart, end: docStart, message: describeCrash(err) });
      data = undefined;
    }
    // Stable sort: duplicate keys join the parser's errors in source order, where `yaml` itself put them.
    errors.push(...docErrors.sort((a, b) => a.start - b.start));
    docs.push({ data, root, start: root ? root.s : docStart });
  }
  if (errors.length === 0) {
    // The fast path failed but `yaml` accepts the text: js-yaml is stricter in a few corners (e.g. tabs).
    try {
      jsyaml.loadAll(text, () => undefined, { schema: jsyaml.CORE_SCHEMA });
    } catch (err) {
      if (err instanceof jsyaml.YAMLException && !(err instanceof RangeError)) {
        const pos = (err as { mark?: { position?: number } }).mark?.position ?? 0;
        const reason = (err as { reason?: string }).reason ?? err.message;
        // Only duplicate keys and similar hard errors matter to the tools that read these files (PyYAML agrees).
        if (/duplicated mapping key/.test(reason)) errors.push({ start: pos, end: pos, message: sentence(reason) });
      }
    }
  }
  return { docs, errors: capErrors(errors, MAX_ERRORS), path: 'slow' };
}

/**
 * A large file js-yaml refused, or one with aliases: js-yaml again, in time linear in the size. Aliases are
 * allowed here (the listener sees each alias as one node, like the CST's alias node) as long as the data
 * they share stays within one value per character of text; otherwise, or on a syntax error, one error.
 */
function parseLarge(text: string): YamlTree {
  const fail = (start: number, message: string): YamlTree => ({ docs: [], errors: [{ start, end: start, message }], path: 'large' });
  const tree = tryFast(text, 'large');
  if (tree) {
    if (expandsBeyond(tree.docs.map((d) => d.data), text.length)) {
      return fail(0, 'Aliases in this file expand to far more data than the file holds; the IaC tools would spend as long reading it. Replace the aliases with the values they stand for.');
    }
    return tree;
  }
  try {
    // Merge keys and the like: the data is right but the listener could not place it; check it unplaced.
    const datas = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA });
    if (expandsBeyond(datas, text.length)) return fail(0, 'Aliases in this file expand to far more data than the file holds; replace them with the values they stand for.');
    return { docs: datas.map((data) => ({ data, root: undefined, start: 0 })), errors: [], path: 'large' };
  } catch (err) {
    if (err instanceof RangeError) return fail(0, describeCrash(err));
    const pos = (err as { mark?: { position?: number } }).mark?.position ?? 0;
    const reason = (err as { reason?: string }).reason ?? (err instanceof Error ? err.message : String(err));
    return fail(pos, `YAML syntax error: ${sentence(reason)} Fix the YAML here; the rest of the file is checked once it parses.`);
  }
}

/**
 * The `YNode` tree of a `yaml` node. Offsets of keys that repeat an earlier key of the same mapping go to
 * `duplicates`: scalar keys with the same value (as `yaml`'s `uniqueKeys` compares them), found with one Set
 * per mapping so the check is linear in the file size.
 */
function convert(Y: YamlModule, node: unknown, depth: number, text: string, duplicates: number[]): YNode | undefined {
  if (depth > MAX_DEPTH) throw new RangeError('nesting too deep');
  if (Y.isMap(node)) {
    const [s, e] = node.range ?? [0, 0];
    const pairs: { key: YNode; value: YNode | undefined }[] = [];
    const seen = new Set<unknown>();
    for (const item of node.items) {
      if (Y.isScalar(item.key)) {
        const value = item.key.value;
        if (seen.has(value) && !Number.isNaN(value)) duplicates.push(item.key.range?.[0] ?? s);
        else seen.add(value);
      } else if (item.key === null || item.key === undefined) {
        // An empty key (`: v`) is a null scalar to `yaml` as well.
        if (seen.has(null)) duplicates.push(s);
        else seen.add(null);
      }
      const key = convert(Y, item.key, depth + 1, text, duplicates) ?? { s, e: s, k: 'scalar' as const, v: null };
      pairs.push({ key, value: convert(Y, item.value, depth + 1, text, duplicates) });
    }
    // `yaml` ends a block collection after its trailing line break and comments; end at the last content,
    // as the fast path does, so a diagnostic on a collection does not spill onto the next line.
    const flow = node.flow === true;
    return { s, e: flow || pairs.length === 0 ? e : lastEnd(pairs[pairs.length - 1]), k: 'map', pairs };
  }
  if (Y.isSeq(node)) {
    const [s, e] = node.range ?? [0, 0];
    const items: YNode[] = [];
    for (const item of node.items) {
      const c = convert(Y, item, depth + 1, text, duplicates);
      items.push(c ?? { s, e: s, k: 'scalar', v: null });
    }
    const flow = node.flow === true;
    return { s, e: flow || items.length === 0 ? e : items[items.length - 1].e, k: 'seq', items };
  }
  if (Y.isScalar(node)) {
    const r = node.range;
    const s = r ? r[0] : 0;
    // Block scalars (`|`, `>`) end after their last line break in `yaml`; end at the last character instead.
    return { s, e: r ? trimEnd(text, s, r[1]) : 0, k: 'scalar', v: node.value };
  }
  if (Y.isAlias(node)) {
    const r = node.range;
    return { s: r ? r[0] : 0, e: r ? r[1] : 0, k: 'scalar', v: `*${node.source}` };
  }
  return undefined;
}

const HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'Remove or rename one of the duplicate keys.',
  TAB_AS_INDENT: 'Indent with spaces, not tabs.',
  BAD_INDENT: 'Align this line with its siblings above.',
  MISSING_CHAR: 'Add the missing character, or align this line with its siblings above.',
  MULTILINE_IMPLICIT_KEY: 'Put the key and its colon on one line.',
  BLOCK_AS_IMPLICIT_KEY: 'Put the key and its colon on one line.',
};

function yamlError(e: { pos: [number, number]; message: string; code?: string }): YamlSyntaxError {
  const firstLine = e.message.split('\n')[0] ?? e.message;
  const msg = sentence(firstLine.replace(/ at line \d+, column \d+:?$/, ''));
  const hint = (e.code && HINTS[e.code]) ?? 'Fix the YAML here; the rest of the file is checked once it parses.';
  return { start: e.pos[0], end: Math.max(e.pos[0], e.pos[1]), message: `YAML syntax error: ${msg} ${hint}` };
}

function describeCrash(err: unknown): string {
  if (err instanceof RangeError) {
    return 'This YAML file is nested too deeply to check; flatten it (the IaC tools cannot read it either).';
  }
  return sentence(`This file could not be read as YAML: ${err instanceof Error ? err.message : String(err)}`);
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
