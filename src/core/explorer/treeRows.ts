import type { Guest } from '../pve/types';
import type { Row } from './rows';

/** Makes the row of guest `g`, with id `id`, below `parentId`. */
export type GuestRowMaker = (g: Guest, id: string, parentId: string) => Row;

/** A parent's guests whose rows are not made yet; the row of guest `g` will have the id `prefix + g.id`. */
interface Deferred {
  readonly guests: readonly Guest[];
  readonly prefix: string;
}

/**
 * The rows of one connection's tree, where the guest rows of a parent may be deferred: they are made the first
 * time anything asks for that parent's children or for one of those rows (`rows.get`, `children.get`,
 * iterating either). A refresh of 20,000 guests, with one node open, then makes that node's rows only, instead
 * of 20,000 rows that live until the next refresh; in VS Code's extension host every object a refresh keeps
 * is copied by the next young-generation collections, which stop the host while they run.
 *
 * What a reader sees does not depend on when rows are made: `rows` and `children` answer as if every row had
 * been made at once, and iterating `rows` goes through the tree in the order it was built (each parent before
 * its children).
 */
export class TreeRows {
  private readonly made = new Map<string, Row>();
  private readonly lists = new Map<string, string[]>();
  private readonly deferred = new Map<string, Deferred>();

  /**
   * @param parentOf for the id of a guest row not made yet, the parent whose deferred guests would make it
   *   (a guess is enough: the row is looked up again once that parent's rows are made)
   */
  constructor(
    readonly rootId: string,
    private readonly makeGuestRow: GuestRowMaker,
    private readonly parentOf: (rowId: string) => string | undefined,
  ) {}

  /** Adds a row (made now) at the end of its parent's list. */
  add(row: Row): void {
    this.made.set(row.id, row);
    this.listOf(row.parentId ?? this.rootId).push(row.id);
  }

  /** Defers the rows of `guests` below `parentId`: made when first asked for, ahead of rows added to it later. */
  defer(parentId: string, guests: readonly Guest[], prefix: string): void {
    if (guests.length === 0) return;
    this.listOf(parentId);
    this.deferred.set(parentId, { guests, prefix });
  }

  /** How many children `parentId` has, without making its rows. */
  count(parentId: string): number {
    return (this.deferred.get(parentId)?.guests.length ?? 0) + (this.lists.get(parentId)?.length ?? 0);
  }

  /** The ids of the rows made so far, without making more (rows VS Code may have seen are among them). */
  madeIds(): IterableIterator<string> {
    return this.made.keys();
  }

  readonly rows: ReadonlyMap<string, Row> = new RowsView(this);
  readonly children: ReadonlyMap<string, readonly string[]> = new ChildrenView(this);

  row(id: string): Row | undefined {
    const row = this.made.get(id);
    if (row || this.deferred.size === 0) return row;
    const parent = this.parentOf(id);
    if (parent === undefined || !this.deferred.has(parent)) return undefined;
    this.make(parent);
    return this.made.get(id);
  }

  list(parentId: string): readonly string[] | undefined {
    this.make(parentId);
    return this.lists.get(parentId);
  }

  parents(): IterableIterator<string> {
    return this.lists.keys();
  }

  hasList(parentId: string): boolean {
    return this.lists.has(parentId);
  }

  /** Every row in tree order (a parent, then its children's subtrees), making deferred rows on the way. */
  *inOrder(): Generator<[string, Row]> {
    const stack: { ids: readonly string[]; at: number }[] = [{ ids: this.list(this.rootId) ?? [], at: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.at >= top.ids.length) {
        stack.pop();
        continue;
      }
      const id = top.ids[top.at++];
      const row = this.made.get(id);
      if (row) yield [id, row];
      const below = this.list(id);
      if (below && below.length > 0) stack.push({ ids: below, at: 0 });
    }
  }

  private listOf(parentId: string): string[] {
    let list = this.lists.get(parentId);
    if (!list) {
      list = [];
      this.lists.set(parentId, list);
    }
    return list;
  }

  /** Makes the deferred guest rows of `parentId`, if any. */
  private make(parentId: string): void {
    const d = this.deferred.get(parentId);
    if (!d) return;
    this.deferred.delete(parentId);
    const ids: string[] = new Array<string>(d.guests.length);
    for (let i = 0; i < d.guests.length; i++) {
      const g = d.guests[i];
      const id = d.prefix + g.id;
      this.made.set(id, this.makeGuestRow(g, id, parentId));
      ids[i] = id;
    }
    const later = this.lists.get(parentId) ?? [];
    this.lists.set(parentId, later.length > 0 ? ids.concat(later) : ids);
  }
}

/** `rows` as a map; iterating it makes every deferred row (commands that look through all rows). */
class RowsView implements ReadonlyMap<string, Row> {
  constructor(private readonly tree: TreeRows) {}

  get(id: string): Row | undefined {
    return this.tree.row(id);
  }

  has(id: string): boolean {
    return this.tree.row(id) !== undefined;
  }

  get size(): number {
    let n = 0;
    for (const _ of this.tree.inOrder()) n++;
    return n;
  }

  forEach(fn: (value: Row, key: string, map: ReadonlyMap<string, Row>) => void, thisArg?: unknown): void {
    for (const [id, row] of this.tree.inOrder()) fn.call(thisArg, row, id, this);
  }

  *entries(): MapIterator<[string, Row]> {
    yield* this.tree.inOrder();
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.tree.inOrder()) yield id;
  }

  *values(): MapIterator<Row> {
    for (const [, row] of this.tree.inOrder()) yield row;
  }

  [Symbol.iterator](): MapIterator<[string, Row]> {
    return this.entries();
  }
}

/** `children` as a map: its keys (the parents) come without making rows; a parent's list makes its rows. */
class ChildrenView implements ReadonlyMap<string, readonly string[]> {
  constructor(private readonly tree: TreeRows) {}

  get(parentId: string): readonly string[] | undefined {
    return this.tree.list(parentId);
  }

  has(parentId: string): boolean {
    return this.tree.hasList(parentId);
  }

  get size(): number {
    let n = 0;
    for (const _ of this.tree.parents()) n++;
    return n;
  }

  forEach(fn: (value: readonly string[], key: string, map: ReadonlyMap<string, readonly string[]>) => void, thisArg?: unknown): void {
    for (const [parent, ids] of this.entries()) fn.call(thisArg, ids, parent, this);
  }

  *entries(): MapIterator<[string, readonly string[]]> {
    for (const parent of [...this.tree.parents()]) yield [parent, this.tree.list(parent) ?? []];
  }

  keys(): MapIterator<string> {
    return this.tree.parents();
  }

  *values(): MapIterator<readonly string[]> {
    for (const [, ids] of this.entries()) yield ids;
  }

  [Symbol.iterator](): MapIterator<[string, readonly string[]]> {
    return this.entries();
  }
}
