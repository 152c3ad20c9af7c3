import { envelope, type WireResponse } from './http';
import { asRows } from './fields';
import { addResources, type Resources } from './parse';
import type { ClusterSnapshot } from './types';

/** Bodies below this size are parsed in one go: the pause would cost more than it saves. */
export const SLICE_CHARS = 256 * 1024;

const waiting: (() => void)[] = [];
let pumping = false;

/** Lets the first waiting slice run, and the next one in a later turn of the event loop. */
function pump(): void {
  waiting.shift()?.();
  pumping = waiting.length > 0;
  if (pumping) setImmediate(pump);
}

/**
 * Gives the event loop a turn (timers, I/O, VS Code's own messages) between slices. Waiters go on one at a time,
 * each in its own turn: ten connections' refreshes pausing together must not all run their next slice in the
 * same turn (one `setImmediate` each would, blocking for ten slices at once).
 */
export const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });

/**
 * `envelope()` for a large `{"data":[…]}` answer (20,000 guests are ~6 MB), parsed in slices of about
 * `sliceChars` with a turn of the event loop between them, so a refresh never blocks the extension host for
 * the whole `JSON.parse`. A slice ends where the array's next entry begins (`},{`, found with `indexOf`, not
 * a scan in JavaScript of every character); each slice is checked by `JSON.parse` itself: a cut inside a
 * string or a nested value leaves an unclosed string or bracket, which does not parse, and then the whole
 * answer goes to `envelope()`, as does anything else (other keys after the array, an error answer).
 */
export async function envelopeInSlices(res: WireResponse, request: string, pause: () => Promise<void> = nextTurn, sliceChars = SLICE_CHARS): Promise<{ data: unknown; total?: number }> {
  const text = res.body;
  const head = /^\s*\{\s*"data"\s*:\s*\[/.exec(text);
  const tail = head && /\]\s*\}\s*$/.exec(text.slice(-64));
  if (text.length < sliceChars || !head || !tail) return envelope(res, request);
  const end = text.length - 64 + tail.index;
  // Several answers often arrive in one turn of the event loop: each starts in a turn of its own.
  await pause();
  const data: unknown[] = [];
  let from = head[0].length;
  while (end - from > sliceChars) {
    const cut = text.indexOf('},{', from + sliceChars);
    if (cut < 0 || cut >= end) break;
    if (!pushSlice(data, text, from, cut + 1)) return envelope(res, request);
    from = cut + 2;
    await pause();
  }
  if (!pushSlice(data, text, from, end)) return envelope(res, request);
  return { data };
}

function pushSlice(data: unknown[], text: string, from: number, to: number): boolean {
  if (text.slice(from, to).trim() === '') return true;
  try {
    const part = JSON.parse(`[${text.slice(from, to)}]`) as unknown[];
    for (let i = 0; i < part.length; i++) data.push(part[i]);
    return true;
  } catch {
    return false;
  }
}

/**
 * `parseClusterResources` in slices of `sliceRows` rows with `pause()` between them, so 20,000 guests never
 * block the event loop for the whole walk.
 */
/**
 * `parseClusterResources` in slices of `sliceRows` rows with `pause()` before each, so 20,000 guests never block
 * the event loop for the whole walk.
 */
export async function parseClusterResourcesInSlices(data: unknown, pause: () => Promise<void>, sliceRows = 2000): Promise<ClusterSnapshot> {
  const rows = asRows(data, '/cluster/resources');
  const out: Resources = { nodes: [], guests: [], storages: [], pools: [] };
  for (let from = 0; from < rows.length; from += sliceRows) {
    await pause();
    addResources(rows, from, Math.min(rows.length, from + sliceRows), out);
  }
  return out;
}
