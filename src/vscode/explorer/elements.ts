import type { Element } from './items';

/**
 * The one element object per row id. VS Code matches change events, selection and reveal by identity, so a
 * row keeps its object across refreshes; rows that are gone are forgotten, so the map does not grow without
 * bound.
 */
export class Elements {
  readonly #byId = new Map<string, Element>();

  /** The row's element, made on first sight. */
  of(id: string): Element {
    let e = this.#byId.get(id);
    if (!e) {
      e = { id };
      this.#byId.set(id, e);
    }
    return e;
  }

  /** The row's element if VS Code may hold it already (never makes one). */
  known(id: string): Element | undefined {
    return this.#byId.get(id);
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.#byId.delete(id);
  }

  /** Forgets every row below a row (its connection reset or removed); the row itself stays. */
  forgetBelow(rowId: string): void {
    const prefix = `${rowId}/`;
    for (const id of [...this.#byId.keys()]) if (id.startsWith(prefix)) this.#byId.delete(id);
  }
}
