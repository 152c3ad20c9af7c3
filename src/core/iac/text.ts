import type { Pos, Range } from './types';

/**
 * Converts between string offsets (UTF-16 code units, as JavaScript indexes strings) and zero-based
 * line/character positions. Line starts are computed once per text; lookups are a binary search.
 */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(readonly text: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  positionAt(offset: number): Pos {
    const starts = this.lineStarts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo] };
  }

  offsetAt(pos: Pos): number {
    const starts = this.lineStarts();
    if (pos.line < 0) return 0;
    if (pos.line >= starts.length) return this.text.length;
    const lineEnd = pos.line + 1 < starts.length ? starts[pos.line + 1] - 1 : this.text.length;
    return Math.min(starts[pos.line] + Math.max(0, pos.character), lineEnd);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }

  /** Text of one line without its line break. */
  lineText(line: number): string {
    const starts = this.lineStarts();
    if (line < 0 || line >= starts.length) return '';
    const end = line + 1 < starts.length ? starts[line + 1] - 1 : this.text.length;
    return this.text.slice(starts[line], end).replace(/\r$/, '');
  }
}

export function rangeContains(r: Range, p: Pos): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return rangeContains(a, b.start) || rangeContains(a, b.end) || rangeContains(b, a.start);
}
