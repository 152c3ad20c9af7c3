/**
 * Which elements to name in one `onDidChangeTreeData` event after a refresh. VS Code's extension host merges
 * the elements of pending changes in a step that is quadratic in their number (0.2–0.3 s for 5,000 rows,
 * seconds for 20,000), and re-reads a refreshed parent's children anyway: so when many rows below one parent
 * change, the parent is named instead of its rows, and when many parents would be named, the root.
 */
export interface ChangePlanOptions {
  /** More changed rows than this below one parent: name the parent instead. */
  readonly perParent: number;
  /** More elements than this in all: name the root instead. */
  readonly total: number;
}

export const DEFAULT_CHANGE_PLAN: ChangePlanOptions = { perParent: 16, total: 64 };

/**
 * @param changed rows whose appearance or children changed (from `changedRows`), none below another
 * @param parentOf a row's parent id (the root id for top-level rows)
 * @param shown whether VS Code has read a parent's children: rows below a parent it never expanded need no
 *   event at all (it asks for them when it expands the parent)
 */
export function planChangeEvents(
  changed: readonly string[],
  rootId: string,
  parentOf: (id: string) => string | undefined,
  shown: (parentId: string) => boolean,
  options: ChangePlanOptions = DEFAULT_CHANGE_PLAN,
): string[] {
  if (changed.length === 0) return [];
  if (changed.includes(rootId)) return [rootId];
  const byParent = new Map<string, string[]>();
  for (const id of changed) {
    const parent = parentOf(id) ?? rootId;
    if (!shown(parent)) continue;
    const list = byParent.get(parent);
    if (list) list.push(id);
    else byParent.set(parent, [id]);
  }
  const out: string[] = [];
  const named = new Set<string>();
  for (const [parent, ids] of byParent) {
    if (ids.length > options.perParent) {
      if (parent === rootId) return [rootId];
      out.push(parent);
      named.add(parent);
    } else {
      out.push(...ids);
    }
  }
  if (out.length > options.total) return [rootId];
  // A named parent re-reads its subtree: drop rows below it (a parent named for one group can be the
  // ancestor of rows named for another).
  if (named.size === 0) return out;
  return out.filter((id) => {
    for (let p = parentOf(id); p !== undefined && p !== rootId; p = parentOf(p)) if (named.has(p)) return false;
    return true;
  });
}

/** The slice of a parent's children a paged view shows, and how many are left after it. */
export function pageOf<T>(children: readonly T[], limit: number): { readonly items: readonly T[]; readonly remaining: number } {
  if (children.length <= limit) return { items: children, remaining: 0 };
  return { items: children.slice(0, limit), remaining: children.length - limit };
}
