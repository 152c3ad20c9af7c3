/**
 * A reader for a list of flat JSON objects (`{"k":scalar,…},{…}`, the rows of `/cluster/resources`) that hands
 * each key and value to a sink instead of building an object per row.
 *
 * Why not `JSON.parse`: PVE sends every row's keys in a random (Perl hash) order, so each row parsed by V8
 * gets a hidden class of its own. V8 drops those classes at the next full garbage collection and builds them
 * again on the next parse: in the extension host a 5,000-guest answer (1.4 MB) then takes 40–60 ms to parse
 * on every refresh instead of ~10 ms, and reading the rows' keys back costs 10–20 ms more. This reader sends the
 * same values to one fixed-shape sink in ~2–3× less time (`test/unit/pve/flatRows.test.ts` holds it to
 * JSON.parse's results; CONTRIBUTING, Benchmarks, has the figures).
 *
 * It is deliberately narrow: anything but scalars (a nested object or list), or anything malformed, makes it
 * stop and return false, and the caller parses that text with `JSON.parse`, whose answer is the rule. Strings
 * with escapes are decoded by `JSON.parse` too. One leniency: a raw control character inside a string is
 * taken as is, where `JSON.parse` would refuse the whole answer.
 */

export type Scalar = string | number | boolean | null;

export interface FlatRowSink {
  /** One key and value of the current row, in the order they come. */
  field(key: string, value: Scalar): void;
  /** The current row ended; `from`…`to` is its text (`{` … `}`). False: the sink cannot take it (nor the slice). */
  row(from: number, to: number): boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN = 123;
const CLOSE = 125;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const DOT = 46;

/**
 * From this length on, V8 makes `slice()` a view into the whole text (a "sliced string"), which would keep the
 * answer — megabytes — alive for as long as any guest's name is. Such values get a copy of their own.
 */
const SLICED_MIN = 13;

/** A copy of `s` that refers to no larger string: the concatenation is flattened into a new string. */
function own(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * Short strings read lately, by a hash of their text: every row repeats the same keys, and most of its values
 * (`"running"`, `"qemu"`, a node's name, a tag list). A string found here is taken without a new copy, so a
 * 5,000-guest answer makes ~100,000 fewer strings — garbage that the extension host's collector would otherwise
 * sweep after every refresh. Strings that occur once (names, ids) only take a slot over.
 */
const RECENT_MAX = 24;
const RECENT_MASK = 1023;
const recent: string[] = new Array<string>(RECENT_MASK + 1).fill('');

/** `text[start, end)` (no quote or backslash in it) as a string of its own, a recent one when it is the same. */
function plain(text: string, start: number, end: number): string {
  const n = end - start;
  if (n === 0) return '';
  if (n > RECENT_MAX) return own(text.slice(start, end));
  const h = (n * 31 + text.charCodeAt(start) * 7 + text.charCodeAt(end - 1) * 131 + text.charCodeAt(start + (n >> 1))) & RECENT_MASK;
  const hit = recent[h];
  if (hit.length === n && text.startsWith(hit, start)) return hit;
  const s = n < SLICED_MIN ? text.slice(start, end) : own(text.slice(start, end));
  recent[h] = s;
  return s;
}

/** 10^k for the fraction digits of a decimal read without Number() (exact doubles up to 10^22). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads the rows in `text[from, to)` — entries of a JSON array without the brackets: `{…},{…}` with optional
 * whitespace — into `sink`. Returns false at the first thing it does not take (the sink may have seen some
 * rows by then), true when every row was read.
 */
export function readFlatRows(text: string, from: number, to: number, sink: FlatRowSink): boolean {
  let i = from;
  // Where the next backslash is, at or after `i` (-1: none): one search of the text, not one per string.
  let backslash = -2;

  const skipSpace = (): void => {
    for (let c = text.charCodeAt(i); i < to && (c === 32 || c === 10 || c === 13 || c === 9); c = text.charCodeAt(++i));
  };

  /** A string starting at the quote `i`; undefined if malformed. */
  const string = (): string | undefined => {
    const start = i + 1;
    const end = text.indexOf('"', start);
    if (end < 0 || end >= to) return undefined;
    if (backslash !== -1 && backslash < start) backslash = text.indexOf('\\', start);
    if (backslash === -1 || backslash > end) {
      i = end + 1;
      return plain(text, start, end);
    }
    let j = start;
    for (let c = text.charCodeAt(j); c !== QUOTE; c = text.charCodeAt(j)) {
      j += c === BACKSLASH ? 2 : 1;
      if (j >= to) return undefined;
    }
    i = j + 1;
    try {
      return JSON.parse(text.slice(start - 1, i)) as string;
    } catch {
      return undefined;
    }
  };

  const digits = (): boolean => {
    const start = i;
    for (let c = text.charCodeAt(i); c >= ZERO && c <= NINE; c = text.charCodeAt(++i));
    return i > start;
  };

  /** A number in JSON's grammar starting at `i`; undefined if there is none. */
  const number = (): number | undefined => {
    const start = i;
    const negative = text.charCodeAt(i) === MINUS;
    if (negative) i++;
    // The digits' value as they are read: most of PVE's numbers are integers or short decimals (a CPU share),
    // which then need no Number() and no string for it.
    let whole = 0;
    const first = text.charCodeAt(i);
    if (first === ZERO) i++;
    else if (first > ZERO && first <= NINE) for (let c = first; c >= ZERO && c <= NINE; c = text.charCodeAt(++i)) whole = whole * 10 + (c - ZERO);
    else return undefined;
    let fraction = 0;
    if (text.charCodeAt(i) === DOT) {
      const dot = ++i;
      for (let c = text.charCodeAt(i); c >= ZERO && c <= NINE; c = text.charCodeAt(++i)) whole = whole * 10 + (c - ZERO);
      fraction = i - dot;
      if (fraction === 0) return undefined;
    }
    // Up to 15 digits the sum is exact, and so is 10^fraction: their quotient is then the correctly rounded
    // value, the same double Number() gives (Clinger's fast path). Longer ones are left to Number().
    let exact = i - start - (negative ? 1 : 0) - (fraction > 0 ? 1 : 0) <= 15;
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 43 || sign === MINUS) i++;
      if (!digits()) return undefined;
      exact = false;
    }
    if (i > to) return undefined;
    if (!exact) return Number(text.slice(start, i));
    const value = fraction > 0 ? whole / POW10[fraction] : whole;
    return negative ? -value : value;
  };

  const value = (): Scalar | undefined => {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return string();
    if (c === 116 && text.startsWith('true', i)) return (i += 4), true;
    if (c === 102 && text.startsWith('false', i)) return (i += 5), false;
    if (c === 110 && text.startsWith('null', i)) return (i += 4), null;
    return number();
  };

  skipSpace();
  while (i < to) {
    const rowStart = i;
    if (text.charCodeAt(i++) !== OPEN) return false;
    skipSpace();
    if (text.charCodeAt(i) === CLOSE) i++;
    else
      for (;;) {
        if (text.charCodeAt(i) !== QUOTE) return false;
        const key = string();
        if (key === undefined) return false;
        skipSpace();
        if (text.charCodeAt(i++) !== COLON) return false;
        skipSpace();
        const v = value();
        if (v === undefined) return false;
        sink.field(key, v);
        skipSpace();
        const next = text.charCodeAt(i++);
        if (next === CLOSE) break;
        if (next !== COMMA) return false;
        skipSpace();
      }
    if (i > to) return false;
    if (!sink.row(rowStart, i)) return false;
    skipSpace();
    if (i >= to) break;
    if (text.charCodeAt(i++) !== COMMA) return false;
    skipSpace();
    // A trailing comma is not JSON.
    if (i >= to) return false;
  }
  return true;
}
