/** The position-aware YAML tree both parse paths produce (parse.ts), and small helpers on its nodes. */
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

/** Where a map ends: after its last pair's value, or its key when the value is missing or empty. */
export function lastEnd(pair: { key: YNode; value: YNode | undefined }): number {
  if (pair.value && pair.value.e > pair.value.s) return pair.value.e;
  return pair.key.e;
}

/** Space, tab, line feed, carriage return or a byte-order mark. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/** `e` moved back over trailing blanks, not before `s`. */
export function trimEnd(text: string, s: number, e: number): number {
  while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
  return e;
}
