import { sameAppearance, type Row } from './rows';

export interface TreeShape {
  readonly rows: ReadonlyMap<string, Row>;
  readonly children: ReadonlyMap<string, readonly string[]>;
}

/**
 * The rows whose appearance changed between two builds, reduced to what VS Code must be told: a row that
 * renders differently, and a parent whose list of children changed (a row was added, removed or moved).
 * A row below another reported row is dropped, since refreshing a row re-reads its subtree.
 * `rootId` is reported when the top-level list itself changed.
 */
export function changedRows(prev: TreeShape | undefined, next: TreeShape, rootId: string): string[] {
  if (!prev) return [rootId];
  const changed = new Set<string>();
  for (const [id, row] of next.rows) {
    const before = prev.rows.get(id);
    if (before && !sameAppearance(before, row)) changed.add(id);
  }
  const parents = new Set<string>([...prev.children.keys(), ...next.children.keys()]);
  for (const parent of parents) {
    if (parent !== rootId && !next.rows.has(parent)) continue; // the parent itself is gone: its parent reports it
    if (!sameList(prev.children.get(parent), next.children.get(parent))) changed.add(parent);
  }
  if (changed.has(rootId)) return [rootId];
  const result: string[] = [];
  for (const id of changed) {
    let covered = false;
    for (let p = next.rows.get(id)?.parentId; p !== undefined; p = next.rows.get(p)?.parentId) {
      if (changed.has(p)) {
        covered = true;
        break;
      }
    }
    if (!covered) result.push(id);
  }
  return result;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  const la = a?.length ?? 0;
  if (la !== (b?.length ?? 0)) return false;
  for (let i = 0; i < la; i++) if (a![i] !== b![i]) return false;
  return true;
}
