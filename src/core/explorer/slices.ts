/**
 * Long loops in slices. The explorer's work on a large cluster (20,000 guests: building the rows, comparing
 * them with the last build) is written as a generator that yields at safe points; run at once it is an ordinary
 * function (tests, the in-process benchmark), run sliced it gives the event loop a turn whenever `budgetMs` of
 * work has passed, so the extension host is never blocked for long.
 */

import { nextTurn as pveNextTurn } from '../pve/sliced';

/** Loops yield every this many items; checking the clock costs more than one item. */
export const YIELD_EVERY = 256;

/** Slices of about this much work (ms) between two turns of the event loop. */
export const SLICE_BUDGET_MS = 8;

export type Pause = () => Promise<void>;

/** A turn of the event loop: timers and I/O run before the next slice, and slices of several refreshes take turns. */
export const nextTurn: Pause = pveNextTurn;

/** Runs the steps to the end without pausing. */
export function runAtOnce<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs the steps, pausing once each `budgetMs` of work has passed. */
export async function runSliced<T>(steps: Generator<void, T>, budgetMs = SLICE_BUDGET_MS, pause: Pause = nextTurn): Promise<T> {
  // The work before (a parse's last slice) may have used this turn already.
  await pause();
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start >= budgetMs) {
      await pause();
      start = performance.now();
    }
  }
}
