/**
 * The fast path: js-yaml loads the text and its `listener` records where each node starts and ends; the ranges
 * are normalised to what the `yaml` CST reports. Undefined when the event stream cannot be trusted.
 */
import * as jsyaml from 'js-yaml';
import { isBlank, lastEnd, trimEnd, type YamlDoc, type YamlTree, type YNode } from './tree';

class Mismatch extends Error {}

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

export function tryFast(text: string, path: YamlTree['path'] = 'fast'): YamlTree | undefined {
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
