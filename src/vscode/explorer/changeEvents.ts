import type { Element } from './items';

/** Counters a test or benchmark reads to check "one request per refresh" and "only changed rows". */
export interface ExplorerStats {
  refreshes: number;
  /** Elements named in change events (the whole tree counts as one). */
  changeEvents: number;
  /** `onDidChangeTreeData` events fired. */
  events: number;
  /** Rows whose appearance changed in the last refresh (before they were reduced to a few events). */
  lastChanged: string[];
  /** The elements the last refresh named in its change event. */
  lastFired: string[];
}

/** A refresh round holds its events this long at most (a connection that does not answer keeps the others waiting no longer). */
export const MAX_HOLD_MS = 1000;

/**
 * The explorer's change events, few and together. VS Code's extension host debounces a tree's change events
 * (200 ms, first one at once): a second event within 200 ms of the first waits until 200 ms after the last.
 * So while a refresh round of several connections is under way (`hold()` … `release()`), their changes are
 * gathered and named in one event when the round ends, or after MAX_HOLD_MS.
 */
export class ChangeEvents {
  private holds = 0;
  private readonly pending = new Set<Element>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (els: Element | Element[]) => void,
    readonly stats: ExplorerStats,
    private readonly maxHoldMs = MAX_HOLD_MS,
  ) {}

  /** Names `els` in a change event now, or with the round's others when a round is under way. */
  fire(els: readonly Element[]): void {
    if (els.length === 0) return;
    if (this.holds === 0) {
      this.send(els);
      return;
    }
    for (const e of els) this.pending.add(e);
    this.timer ??= setTimeout(() => this.flush(), this.maxHoldMs);
  }

  hold(): void {
    this.holds++;
  }

  release(): void {
    this.holds = Math.max(0, this.holds - 1);
    if (this.holds === 0) this.flush();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const els = [...this.pending];
    this.pending.clear();
    this.send(els);
  }

  private send(els: readonly Element[]): void {
    this.stats.changeEvents += els.length;
    this.stats.events++;
    this.emit(els.length === 1 ? els[0] : [...els]);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
