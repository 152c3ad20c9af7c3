/**
 * Reading YAML structure from indentation alone, for text that does not parse yet (completion while typing).
 */
import type { LineIndex } from '../iac/text';
import type { PathSegment } from '../iac/yaml/parse';

interface LineShape {
  /** Column of the first character (the dash of an item, or the key). */
  col: number;
  dash: boolean;
  key?: string;
  keyCol: number;
}

function lineShape(text: string): LineShape | undefined {
  const m = /^(\s*)(-\s+|-$)?(?:([A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*:(?:\s|$))?/.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  const dash = m[2] !== undefined;
  if (!dash && m[3] === undefined && (rest.trim() === '' || rest.trimStart().startsWith('#'))) return undefined;
  const col = m[1].length;
  return { col, dash, ...(m[3] !== undefined ? { key: m[3].replace(/^["']|["']$/g, '') } : {}), keyCol: col + (m[2]?.length ?? 0) };
}

/**
 * The JSON path of `key` on line `line` from indentation alone (list indexes as 0), for text that does not
 * parse yet: walks up to each enclosing key, noting list items on the way.
 */
export function indentPath(lines: LineIndex, line: number, key: string): PathSegment[] {
  const cur = lineShape(lines.lineText(line)) ?? { col: /^\s*/.exec(lines.lineText(line))![0].length, dash: false, keyCol: /^\s*/.exec(lines.lineText(line))![0].length };
  const segs: PathSegment[] = [key];
  let mode: 'map' | 'seq' = cur.dash ? 'seq' : 'map';
  let col = cur.dash ? cur.col : cur.keyCol;
  if (cur.dash) segs.unshift(0);
  for (let l = line - 1; l >= 0 && !(mode === 'map' && col === 0); l--) {
    const i = lineShape(lines.lineText(l));
    if (!i) continue;
    if (mode === 'map') {
      if (i.dash && i.keyCol === col) {
        // The `- ` line that starts the list item our mapping belongs to.
        segs.unshift(0);
        mode = 'seq';
        col = i.col;
        continue;
      }
      if (i.keyCol >= col || i.key === undefined) continue;
    } else {
      if (i.col > col || (i.dash && i.col === col) || i.key === undefined) continue;
    }
    // A parent key.
    segs.unshift(i.key);
    if (i.dash) {
      segs.unshift(0);
      mode = 'seq';
      col = i.col;
    } else {
      mode = 'map';
      col = i.keyCol;
    }
  }
  return segs;
}

/** Keys already present in the mapping the cursor line belongs to (same indentation, same block). */
export function siblingKeys(lines: LineIndex, line: number): Set<string> {
  const keys = new Set<string>();
  const cur = /^(\s*)(-\s+)?/.exec(lines.lineText(line))!;
  const col = cur[0].length;
  // Upwards to the start of this item (or mapping), downwards to the next item; deeper lines are nested values.
  if (cur[2] === undefined) {
    for (let l = line - 1; l >= 0; l--) {
      const i = lineShape(lines.lineText(l));
      if (!i || i.keyCol > col) continue;
      if (i.keyCol < col) break;
      if (i.key) keys.add(i.key);
      if (i.dash) break;
    }
  }
  for (let l = line + 1; l < lines.lineCount; l++) {
    const i = lineShape(lines.lineText(l));
    if (!i || i.keyCol > col) continue;
    if (i.keyCol < col || i.dash) break;
    if (i.key) keys.add(i.key);
  }
  return keys;
}
