import { sameAppearance, type Row } from './rows';
import { runAtOnce, runSliced, YIELD_EVERY, type Pause } from './slices';
import { sameList } from '../pve/fields';

export interface TreeShape {
  readonly rows: ReadonlyMap<string, Row>;
  readonly children: ReadonlyMap<string, readonly string[]>;
}

/**
 * The rows whose appearance changed between two builds, reduced to what VS Code must be told: a row that
 * renders differently, and a parent whose list of children changed (a row was added, removed or moved).
 * A row below another reported row is dropped, since refreshing a row re-reads its subtree.
 * `rootId` is reported when the top-level list itself changed.
 *
 * `listed`, when given, says which parents VS Code has asked for the children of (the root always counts):
 * only their rows and lists are compared, since VS Code asks again for anything below a parent it never
 * listed. With 20,000 guests and one node open, that is one node's guests instead of all of them.
 */
export function changedRows(prev: TreeShape | undefined, next: TreeShape, rootId: string, listed?: (parentId: string) => boolean): string[] {
  return runAtOnce(changedRowsSteps(prev, next, rootId, listed));
}

/** `changedRows` in slices that give the event loop a turn (see slices.ts). */
export function changedRowsSliced(
  prev: TreeShape | undefined,
  next: TreeShape,
  rootId: string,
  listed?: (parentId: string) => boolean,
  budgetMs?: number,
  pause?: Pause,
): Promise<string[]> {
  return runSliced(changedRowsSteps(prev, next, rootId, listed), budgetMs, pause);
}

function* changedRowsSteps(prev: TreeShape | undefined, next: TreeShape, rootId: string, listed?: (parentId: string) => boolean): Generator<void, string[]> {
  if (!prev) return [rootId];
  const changed = new Set<string>();
  const isListed = (parent: string): boolean => parent === rootId || !listed || listed(parent);
  let n = 0;
  // Parents' keys only: a parent's list is asked for (which makes its deferred rows, see treeRows.ts) once it counts.
  for (const parent of next.children.keys()) {
    if (!isListed(parent)) continue;
    const ids = next.children.get(parent)!;
    for (let i = 0; i < ids.length; i++) {
      if (++n % YIELD_EVERY === 0) yield;
      const before = prev.rows.get(ids[i]);
      if (before && !sameAppearance(before, next.rows.get(ids[i])!)) changed.add(ids[i]);
    }
  }
  const parents = new Set<string>([...prev.children.keys(), ...next.children.keys()]);
  for (const parent of parents) {
    if (parent !== rootId && !next.rows.has(parent)) continue; // the parent itself is gone: its parent reports it
    if (!isListed(parent)) continue;
    if (++n % 16 === 0) yield;
    if (!sameList(prev.children.get(parent), next.children.get(parent))) changed.add(parent);
  }
  if (changed.has(rootId)) return [rootId];
  const result: string[] = [];
  for (const id of changed) {
    if (++n % YIELD_EVERY === 0) yield;
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

/**
 * The rows of `prev` that `next` no longer has, among those VS Code can have seen and cached something for:
 * top-level rows and rows below a parent it listed. Rows made below another parent (for a command that went
 * through every row) are not looked up, since that would make `next`'s rows below that parent too, and the
 * tree after it would do the same, on every refresh from then on.
 */
export function goneRows(prev: TreeShape & { madeRowIds(): Iterable<string> }, next: TreeShape, listed: (parentId: string) => boolean): string[] {
  const gone: string[] = [];
  for (const id of prev.madeRowIds()) {
    const parent = prev.rows.get(id)?.parentId;
    if ((parent === undefined || listed(parent)) && !next.rows.has(id)) gone.push(id);
  }
  return gone;
}
