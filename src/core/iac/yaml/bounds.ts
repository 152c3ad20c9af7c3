/**
 * Linear-time guards for the YAML parsers: each bounds a cost that would otherwise grow faster than the
 * file (deep nesting makes the `yaml` parser superlinear, shared aliases make a small file a huge tree, and
 * a file of repeated keys yields one error per line).
 */

/**
 * True when the text nests deeper than `limit` levels (block indentation, `- ` items and flow brackets),
 * decided in one pass without parsing. Quoted strings and comments are skipped line by line; a bracket
 * inside a block scalar can only over-count, and only files already refused by js-yaml are scanned.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let end = text.indexOf('\n', i);
    if (end === -1) end = n;
    let j = i;
    while (j < end && text.charCodeAt(j) === 32) j++;
    const c = text.charCodeAt(j);
    if (j < end && c !== 35 /* # */ && c !== 13) {
      let depth = 0;
      if (flow === 0) {
        while (indents.length && indents[indents.length - 1] >= j - i) indents.pop();
        indents.push(j - i);
        // Compact nested sequences (`- - - x`) nest without indentation.
        while (text.charCodeAt(j) === 45 /* - */ && text.charCodeAt(j + 1) === 32) {
          depth++;
          j += 2;
          while (text.charCodeAt(j) === 32) j++;
        }
      }
      for (let k = j; k < end; k++) {
        const ch = text.charCodeAt(k);
        if (ch === 91 /* [ */ || ch === 123 /* { */) {
          flow++;
          if (indents.length + depth + flow > limit) return true;
        } else if (ch === 93 /* ] */ || ch === 125 /* } */) {
          if (flow > 0) flow--;
        } else if (ch === 34 /* " */ || ch === 39 /* ' */) {
          const close = text.indexOf(String.fromCharCode(ch), k + 1);
          k = close === -1 || close > end ? end : close;
        } else if (ch === 35 /* # */ && (k === j || text.charCodeAt(k - 1) === 32)) break;
      }
      if (indents.length + depth + flow > limit) return true;
    }
    i = end + 1;
  }
  return false;
}

/**
 * True when walking the documents' data, counting shared (aliased) objects once per reference, visits more
 * than `limit` values: the checks would walk the expanded tree. Stops as soon as the limit is passed.
 */
export function expandsBeyond(datas: readonly unknown[], limit: number): boolean {
  let visited = 0;
  const stack: unknown[] = [...datas];
  while (stack.length) {
    const v = stack.pop();
    if (++visited > limit) return true;
    if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v !== null && typeof v === 'object') for (const key in v) stack.push((v as Record<string, unknown>)[key]);
  }
  return false;
}

/** At most `max` errors; the rest are summed up in one more at the first one left out. */
export function capErrors<T extends { start: number; end: number; message: string }>(errors: T[], max: number): (T | { start: number; end: number; message: string })[] {
  if (errors.length <= max) return errors;
  const rest = errors.length - max;
  const next = errors[max];
  return [
    ...errors.slice(0, max),
    { start: next.start, end: next.end, message: `${rest} more YAML errors follow from here and are not shown; fix the ones above first.` },
  ];
}
