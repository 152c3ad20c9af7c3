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
import { tryFast } from './fast';
import { parseSlow } from './slow';
import type { YamlTree } from './tree';

export type { PathSegment, YamlDoc, YamlSyntaxError, YamlTree, YNode } from './tree';
export { findPair, locate, pathAt, type PathAt } from './lookup';
export { parseSlow } from './slow';

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
