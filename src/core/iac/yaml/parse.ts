/**
 * Position-aware YAML parsing for the validators.
 *
 * Fast path: js-yaml loads the text (about 10× faster than `yaml`'s parseDocument, see PERF-NOTES.md) and its
 * `listener` records where each node starts and ends; the ranges are normalised to what the `yaml` CST reports
 * (value start after indentation and comments, value end before trailing blanks).
 * Slow path, only when the fast path cannot be trusted (syntax error, a structure the event stream does not
 * pair up, e.g. merge keys or flow keys without values): the `yaml` package, error-tolerant, with exact error
 * ranges. Both produce the same `YamlTree`, so callers never know which path ran.
 */
import * as jsyaml from 'js-yaml';
import { capErrors, expandsBeyond, nestsDeeperThan } from './bounds';

export type PathSegment = string | number;

/** One YAML node with its source span [s, e) (offsets into the text). */
export interface YNode {
  s: number;
  e: number;
  k: 'map' | 'seq' | 'scalar';
  /** Scalar value (for map keys and scalar lookups). */
  v?: unknown;
  /** Map: key/value pairs (value undefined when missing); seq: items. */
  pairs?: { key: YNode; value: YNode | undefined }[];
  items?: YNode[];
}

export interface YamlDoc {
  /** Plain data of the document (undefined for an empty document). */
  data: unknown;
  root: YNode | undefined;
  /** Offset where the document's content begins (after `---` and comments). */
  start: number;
}

export interface YamlSyntaxError {
  start: number;
  end: number;
  message: string;
}

export interface YamlTree {
  docs: YamlDoc[];
  errors: YamlSyntaxError[];
  /** Which parser produced the tree (for tests and the benchmark); `large`: js-yaml alone, see parseLarge. */
  path: 'fast' | 'slow' | 'large';
}

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

/**
 * An alias (`*name`) anywhere: js-yaml shares aliased objects, so nested aliases ("billion laughs") make a
 * small file a huge tree for the checks. Such files take the `yaml` path, which caps alias expansion.
 */
const ALIAS = /(?:^|[\s[{,:])\*[^\s,\]}]/;

export function parseYaml(text: string): YamlTree {
  const fast = ALIAS.test(text) ? undefined : tryFast(text);
  if (fast) return fast;
  return parseSlow(text);
}

/**
 * Plain data of every document, without positions: the cheapest way to check valid text. Undefined when
 * js-yaml rejects the text (then `parseYaml` reports the errors with exact ranges).
 */
export function loadData(text: string): unknown[] | undefined {
  if (ALIAS.test(text)) return undefined;
  try {
    return jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fast path

class Mismatch extends Error {}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/** Moves past blanks, line breaks and comments to where a node's text really begins. */
function skipToContent(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) i++;
    else if (c === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > end ? end : nl + 1;
    } else break;
  }
  return i;
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  return i;
}

/** Skips an anchor (`&a`) and a tag (`!!str`) before a value: `yaml` ranges start at the value itself. */
function skipProps(text: string, i: number, end: number): number {
  for (let n = 0; n < 2; n++) {
    const c = text.charCodeAt(i);
    if (c !== 38 /* & */ && c !== 33 /* ! */) break;
    let j = i;
    while (j < end && !isBlank(text.charCodeAt(j))) j++;
    i = skipToContent(text, j, end);
  }
  return i;
}

function trimEnd(text: string, s: number, e: number): number {
  while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
  return e;
}

function tryFast(text: string, path: YamlTree['path'] = 'fast'): YamlTree | undefined {
  const docs: YamlDoc[] = [];
  // Flat stacks rather than a frame object per event: the listener runs for every node of a 5,000-node file.
  const nodes: YNodeWithResult[] = [];
  const marks: number[] = [];
  const starts: number[] = [];
  const listener = function (this: jsyaml.State, event: jsyaml.EventType, state: jsyaml.State): void {
    if (event === 'open') {
      marks.push(nodes.length);
      starts.push(state.position);
      return;
    }
    const mark = marks.pop()!;
    const start = starts.pop()!;
    const count = nodes.length - mark;
    const result: unknown = state.result;
    const kind = state.kind;
    if (count === 1) {
      // js-yaml opens nested frames for the same node (block items): keep the inner one.
      const only = nodes[mark];
      if (only.k === 'scalar' ? only.v === result : kind !== 'scalar' && result !== null && only.r === result) return;
    }
    const s = skipProps(text, skipToContent(text, start, state.position), state.position);
    let node: YNodeWithResult;
    if (kind === 'mapping' && result !== null && typeof result === 'object' && !Array.isArray(result)) {
      if (count % 2 !== 0) throw new Mismatch();
      const pairs: { key: YNode; value: YNode | undefined }[] = new Array<{ key: YNode; value: YNode | undefined }>(count / 2);
      for (let i = 0; i < count; i += 2) pairs[i / 2] = { key: nodes[mark + i], value: nodes[mark + i + 1] };
      let keys = 0;
      for (const _ in result) keys++;
      if (pairs.length !== keys) throw new Mismatch();
      nodes.length = mark;
      const flow = text.charCodeAt(s) === 123; /* { */
      const e = flow || pairs.length === 0 ? trimEnd(text, s, state.position) : lastEnd(pairs[pairs.length - 1]);
      node = { s, e, k: 'map', pairs, r: result };
    } else if (kind === 'sequence' && Array.isArray(result)) {
      if (count !== result.length) throw new Mismatch();
      const items = nodes.slice(mark);
      nodes.length = mark;
      const flow = text.charCodeAt(s) === 91; /* [ */
      const e = flow || items.length === 0 ? trimEnd(text, s, state.position) : items[items.length - 1].e;
      node = { s, e, k: 'seq', items, r: result };
    } else {
      if (count > 0) throw new Mismatch();
      const e = trimEnd(text, s, state.position);
      // An empty value sits where `yaml` puts it: right after the `:` and its spaces, before the line break.
      const at = e > s ? s : skipSpaces(text, start);
      node = { s: at, e: e > s ? e : at, k: 'scalar', v: result };
    }
    nodes.push(node);
  };
  try {
    // loadAll parses every document before it returns; the roots are the top-level frames, in order.
    const datas = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA, listener });
    const roots = nodes;
    if (roots.length !== datas.length) return undefined;
    datas.forEach((data, i) => {
      const r = roots[i];
      const root = r.k === 'scalar' && r.s === r.e && data === null ? undefined : r;
      docs.push({ data, root, start: root ? root.s : 0 });
    });
  } catch {
    // Syntax error, merge keys, unusual structure, or a stack overflow on deep nesting: the slow path decides.
    return undefined;
  }
  return { docs, errors: [], path };
}

interface YNodeWithResult extends YNode {
  r?: unknown;
}

function lastEnd(pair: { key: YNode; value: YNode | undefined }): number {
  if (pair.value && pair.value.e > pair.value.s) return pair.value.e;
  return pair.key.e;
}

// ---------------------------------------------------------------------------------------------------------
// Slow path (`yaml` package), loaded on first use

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

// ---------------------------------------------------------------------------------------------------------
// Lookups

/** The node at `path` in a document, and the key node that holds it (undefined for the root or an item). */
export function locate(root: YNode | undefined, path: readonly PathSegment[]): { node?: YNode; key?: YNode; parent?: YNode } {
  let node = root;
  let key: YNode | undefined;
  let parent: YNode | undefined;
  for (const seg of path) {
    if (!node) return { parent };
    parent = node;
    if (node.k === 'map' && node.pairs) {
      const pair = findPair(node, String(seg));
      if (!pair) return { parent };
      key = pair.key;
      node = pair.value;
    } else if (node.k === 'seq' && node.items && typeof seg === 'number') {
      key = undefined;
      node = node.items[seg];
    } else return { parent };
  }
  return { node, key, parent };
}

export function findPair(map: YNode, name: string): { key: YNode; value: YNode | undefined } | undefined {
  if (!map.pairs) return undefined;
  for (const p of map.pairs) if (String(p.key.v) === name) return p;
  return undefined;
}

export interface PathAt {
  path: PathSegment[];
  /** The innermost node at the offset. */
  node: YNode | undefined;
  /** True when the offset sits on a key rather than a value. */
  onKey: boolean;
  /** The map that holds the key or value at the offset. */
  map?: YNode;
}

/** The JSON path of the node under `offset` (offsets at the very end of a node still count). */
export function pathAt(root: YNode | undefined, offset: number): PathAt {
  const path: PathSegment[] = [];
  let node = root;
  let map: YNode | undefined;
  const onKey = false;
  while (node) {
    if (node.k === 'map' && node.pairs) {
      let next: YNode | undefined;
      for (const p of node.pairs) {
        if (offset >= p.key.s && offset <= p.key.e) {
          path.push(String(p.key.v));
          return { path, node: p.key, onKey: true, map: node };
        }
        if (p.value && offset >= p.value.s && offset <= p.value.e) {
          path.push(String(p.key.v));
          map = node;
          next = p.value;
          break;
        }
      }
      if (!next) break;
      node = next;
    } else if (node.k === 'seq' && node.items) {
      const idx = node.items.findIndex((it) => offset >= it.s && offset <= it.e);
      if (idx < 0) break;
      path.push(idx);
      node = node.items[idx];
    } else break;
  }
  return { path, node, onKey, map };
}
