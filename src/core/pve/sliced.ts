import { envelope, type WireResponse } from './http';
import { asRows, type Row } from './fields';
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
 * the whole `JSON.parse`. A slice ends where the array's next entry begins (`},{`, found by a regular expression
 * from the slice's length on, not a scan in JavaScript of every character); each slice is checked by `JSON.parse` itself: a cut inside a
 * string or a nested value leaves an unclosed string or bracket, which does not parse, and then the whole
 * answer goes to `envelope()`, as does anything else (other keys after the array, an error answer).
 */
export async function envelopeInSlices(res: WireResponse, request: string, pause: () => Promise<void> = nextTurn, sliceChars = SLICE_CHARS): Promise<{ data: unknown; total?: number }> {
  const data: unknown[] = [];
  const whole = await eachSlice(res, request, pause, sliceChars, (part) => {
    for (let i = 0; i < part.length; i++) data.push(part[i]);
  });
  return whole ?? { data };
}

/**
 * Hands each parsed slice of a `{"data":[…]}` answer to `each`, with `pause()` between slices; resolves to
 * undefined when it did, or to the whole envelope when the answer had to be parsed at once (small, another
 * shape, or a cut that did not parse — `each` may then have seen some slices, which the caller discards).
 */
async function eachSlice(
  res: WireResponse,
  request: string,
  pause: () => Promise<void>,
  sliceChars: number,
  each: (part: unknown[]) => void | Promise<void>,
): Promise<{ data: unknown; total?: number } | undefined> {
  const text = res.body;
  const head = /^\s*\{\s*"data"\s*:\s*\[/.exec(text);
  const tail = head && /\]\s*\}\s*$/.exec(text.slice(-64));
  if (text.length < sliceChars || !head || !tail) return envelope(res, request);
  const end = text.length - 64 + tail.index;
  // Several answers often arrive in one turn of the event loop: each starts in a turn of its own.
  await pause();
  let from = head[0].length;
  const boundary = /\}\s*,\s*\{/g;
  while (end - from > sliceChars) {
    boundary.lastIndex = from + sliceChars;
    const cut = boundary.exec(text);
    if (!cut || cut.index >= end) break;
    const part = parseSlice(text, from, cut.index + 1);
    if (!part) return envelope(res, request);
    await each(part);
    from = boundary.lastIndex - 1;
    await pause();
  }
  const last = parseSlice(text, from, end);
  if (!last) return envelope(res, request);
  await each(last);
  return undefined;
}

function parseSlice(text: string, from: number, to: number): unknown[] | undefined {
  const slice = text.slice(from, to);
  if (slice.trim() === '') return [];
  try {
    return JSON.parse(`[${slice}]`) as unknown[];
  } catch {
    return undefined;
  }
}

/**
 * `GET /cluster/resources` decoded straight into the model: each slice of the answer is parsed and read
 * (addResources) before the next, so the raw rows of one slice are garbage by the time the next is parsed —
 * a refresh never holds the whole answer as raw objects, and reads it in one walk. An answer that had to be
 * parsed at once is read in slices of `sliceRows` rows.
 */
export async function clusterResourcesInSlices(
  res: WireResponse,
  request: string,
  pause: () => Promise<void> = nextTurn,
  sliceChars = SLICE_CHARS,
  sliceRows = 2000,
): Promise<{ data: ClusterSnapshot }> {
  let out = emptyResources();
  const read = async (rows: Row[]): Promise<void> => {
    for (let from = 0; from < rows.length; from += sliceRows) {
      if (from > 0) await pause();
      addResources(rows, from, Math.min(rows.length, from + sliceRows), out);
    }
  };
  const whole = await eachSlice(res, request, pause, sliceChars, (part) => read(part as Row[]));
  if (whole) {
    out = emptyResources();
    const rows = asRows(whole.data, '/cluster/resources');
    if (rows.length > sliceRows) await pause();
    await read(rows);
  }
  return { data: out };
}

function emptyResources(): Resources {
  return { nodes: [], guests: [], storages: [], pools: [] };
}
