import { moreRowId, pageOf, parseRowId, type Row } from '../../core/explorer';
import { moreRow } from './items';
import type { ConnectionSession } from './session';

/**
 * Paging of large parents, per session: a parent lists `pageSize` children and then a "Show more" row;
 * each click shows one more page. Pure bookkeeping on the session; the provider tells VS Code.
 */

/** The ids a parent lists now (its page, then the "Show more" row when more are left). */
export function pagedChildren(s: ConnectionSession, parentId: string, pageSize: number): string[] {
  s.served.add(parentId);
  const ids = s.subtree?.children.get(parentId) ?? [];
  const { items, remaining } = pageOf(ids, s.shown.get(parentId) ?? pageSize);
  return remaining > 0 ? [...items, moreRowId(parentId)] : (items as string[]);
}

/** The "Show more" row for `moreId`, or undefined when nothing more is left. */
export function moreRowOf(s: ConnectionSession, moreId: string, pageSize: number): Row | undefined {
  const ref = parseRowId(moreId);
  if (ref?.kind !== 'more') return undefined;
  const total = s.subtree?.children.get(ref.parentId)?.length ?? 0;
  const shown = s.shown.get(ref.parentId) ?? pageSize;
  return total > shown ? moreRow(ref.parentId, shown, total, pageSize) : undefined;
}

/** One more page for the parent of `moreId`; returns that parent's id (for VS Code to re-read), if any. */
export function showMore(s: ConnectionSession, moreId: string, pageSize: number): string | undefined {
  const ref = parseRowId(moreId);
  if (ref?.kind !== 'more') return undefined;
  s.shown.set(ref.parentId, (s.shown.get(ref.parentId) ?? pageSize) + pageSize);
  return ref.parentId;
}

/**
 * Widens the pages on the way to a row so its parents list it (VS Code reveals only rows their parent
 * lists); returns the parents VS Code has listed before and must re-read.
 */
export function ensureShown(s: ConnectionSession, rowId: string, pageSize: number): string[] {
  const tree = s.subtree;
  if (!tree) return [];
  const widened: string[] = [];
  for (let id = rowId; id !== s.rootId; ) {
    const parent = tree.rows.get(id)?.parentId ?? s.rootId;
    const index = tree.children.get(parent)?.indexOf(id) ?? -1;
    if (index >= (s.shown.get(parent) ?? pageSize)) {
      s.shown.set(parent, Math.ceil((index + 1) / pageSize) * pageSize);
      if (s.served.has(parent)) widened.push(parent);
    }
    id = parent;
  }
  return widened;
}
