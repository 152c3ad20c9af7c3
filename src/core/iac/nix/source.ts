/**
 * Just enough Nix lexing to turn Nix's positions into editor ranges: where an attribute's name and value
 * end, and where the file's top-level attribute set closes. Strings (both kinds, with `${…}`), comments and
 * brackets are skipped properly so that a `;` or `}` inside them does not count.
 */
import { LineIndex } from '../text';
import type { Range } from '../types';
import type { NixPos } from './evaluate';

const IDENT = /[A-Za-z_][A-Za-z0-9_'-]*/y;

/** Skips a `"…"` string starting after its opening quote; returns the offset after the closing quote. */
function skipString(text: string, i: number): number {
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '$' && text[i + 1] === '{') i = skipCode(text, i + 2) + 1;
    else i++;
  }
  return i;
}

/** Skips a `''…''` string starting after its opening quotes. */
function skipIndentedString(text: string, i: number): number {
  while (i < text.length) {
    if (text.startsWith("'''", i) || text.startsWith("''$", i)) i += 3;
    else if (text.startsWith("''\\", i)) i += 4;
    else if (text.startsWith("''", i)) return i + 2;
    else if (text[i] === '$' && text[i + 1] === '{') i = skipCode(text, i + 2) + 1;
    else i++;
  }
  return i;
}

/** Offset after a comment or string starting at `i`, or `i` when none starts there. */
function skipTrivia(text: string, i: number): number {
  const c = text[i];
  if (c === '#') {
    const nl = text.indexOf('\n', i);
    return nl === -1 ? text.length : nl;
  }
  if (c === '/' && text[i + 1] === '*') {
    const close = text.indexOf('*/', i + 2);
    return close === -1 ? text.length : close + 2;
  }
  if (c === '"') return skipString(text, i + 1);
  if (c === "'" && text[i + 1] === "'") return skipIndentedString(text, i + 2);
  return i;
}

/**
 * Scans code from `i` and returns the offset of the first `;` at bracket depth 0 or of the first closing
 * bracket that closes something opened before `i`.
 */
export function skipCode(text: string, i: number): number {
  let depth = 0;
  while (i < text.length) {
    const next = skipTrivia(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ';' && depth === 0) return i;
    i++;
  }
  return i;
}

function skipSpaceAndComments(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text[i] === '#' || (text[i] === '/' && text[i + 1] === '*')) i = skipTrivia(text, i);
    else return i;
  }
}

/** Nix columns count bytes; editors count UTF-16 code units. */
function byteColumnToChar(lineText: string, column1: number): number {
  const bytes = Buffer.from(lineText, 'utf8');
  if (column1 - 1 >= bytes.length) return lineText.length;
  return bytes.subarray(0, Math.max(0, column1 - 1)).toString('utf8').length;
}

/** Locates attributes of one file's text; build once per validation. */
export class NixSource {
  readonly index: LineIndex;

  constructor(readonly text: string) {
    this.index = new LineIndex(text);
  }

  /** Offset of a Nix position (1-based line, 1-based byte column). */
  offsetOf(pos: NixPos): number {
    const line = Math.max(0, pos[0] - 1);
    return this.index.offsetAt({ line, character: byteColumnToChar(this.index.lineText(line), pos[1]) });
  }

  /** Range of the attribute name (or dotted attribute path) that starts at `pos`. */
  nameRange(pos: NixPos): Range {
    const start = this.offsetOf(pos);
    return this.index.range(start, this.nameEnd(start));
  }

  private nameEnd(start: number): number {
    const text = this.text;
    let i = start;
    for (;;) {
      if (text[i] === '"') i = skipString(text, i + 1);
      else {
        IDENT.lastIndex = i;
        const m = IDENT.exec(text);
        if (!m) return Math.max(i, start + 1);
        i += m[0].length;
      }
      const after = skipSpaceAndComments(text, i);
      if (text[after] !== '.') return i;
      i = skipSpaceAndComments(text, after + 1);
    }
  }

  /**
   * Range of the value of `name = value;` whose name starts at `pos`. Falls back to the name for an
   * `inherit`ed attribute, which has no value of its own in the text.
   */
  valueRange(pos: NixPos): Range {
    const text = this.text;
    const start = this.offsetOf(pos);
    const nameEnd = this.nameEnd(start);
    const eq = skipSpaceAndComments(text, nameEnd);
    if (text[eq] !== '=') return this.index.range(start, nameEnd);
    const valueStart = skipSpaceAndComments(text, eq + 1);
    let valueEnd = skipCode(text, valueStart);
    while (valueEnd > valueStart && /\s/.test(text[valueEnd - 1])) valueEnd--;
    return this.index.range(valueStart, Math.max(valueStart, valueEnd));
  }

  /** Zero-width-safe range for an error Nix reports at a line and byte column. */
  pointRange(line: number, column: number): Range {
    const l = Math.max(0, Math.min(line - 1, this.index.lineCount - 1));
    const lineText = this.index.lineText(l);
    const ch = byteColumnToChar(lineText, column);
    // Cover the token there so the squiggle is visible; a whole line if the column is at its end.
    const rest = lineText.slice(ch);
    const token = /^(?:[A-Za-z_][A-Za-z0-9_'-]*|"(?:[^"\\]|\\.)*"?|\d+|\S)/.exec(rest);
    if (token) return { start: { line: l, character: ch }, end: { line: l, character: ch + token[0].length } };
    const indent = lineText.length - lineText.trimStart().length;
    return { start: { line: l, character: Math.min(indent, ch) }, end: { line: l, character: lineText.length } };
  }

  /** Offset of the `}` that closes the file's last top-level attribute set, or undefined. */
  finalClosingBrace(): number | undefined {
    const text = this.text;
    let depth = 0;
    let last: number | undefined;
    let i = 0;
    while (i < text.length) {
      const next = skipTrivia(text, i);
      if (next !== i) {
        i = next;
        continue;
      }
      const c = text[i];
      if (c === '{' || c === '[' || c === '(') depth++;
      else if (c === '}' || c === ']' || c === ')') {
        depth--;
        if (depth === 0 && c === '}') last = i;
        if (depth < 0) return undefined;
      }
      i++;
    }
    return depth === 0 ? last : undefined;
  }
}
