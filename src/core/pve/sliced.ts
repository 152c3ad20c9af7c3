import { envelope, type WireResponse } from './http';
import { asRows, type Row } from './fields';
import { readFlatRows, type FlatRowSink, type Scalar } from './flatRows';
import { GuestFields } from './guestRow';
import { KnownGuests } from './knownGuests';
import { addResources, withoutDuplicates, type Resources } from './parse';
import type { ClusterSnapshot } from './types';

/** About how much of an answer is read between two turns of the event loop (a smaller answer is read at once). */
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

export interface SliceOptions {
  /** A turn of the event loop between slices (nextTurn). */
  readonly pause?: () => Promise<void>;
  /** About how much of the answer's text a slice reads (SLICE_CHARS). */
  readonly sliceChars?: number;
  /** How many rows of an answer parsed at once a slice reads (2,000). */
  readonly sliceRows?: number;
  /** The guests this connection's last answer listed (see KnownGuests); it then holds this answer's. */
  readonly known?: KnownGuests;
}

/**
 * `GET /cluster/resources` read straight into the model, in slices of about `sliceChars` of the answer with a
 * turn of the event loop between them, so a refresh never blocks the extension host for the whole answer
 * (20,000 guests are ~6 MB).
 *
 * A slice ends where the array's next entry begins (`},{`, searched for from the slice's length on, not a
 * scan in JavaScript of every character). An answer of ASCII bytes (`res.bytes`) is read from them: each
 * slice's text is made from its bytes, and the whole answer never becomes one string (a 6 MB string is 6 MB
 * of memory filled in one step, see bodyText.ts). Each slice's rows go from the text to the model
 * by readFlatRows (no object per row, see flatRows.ts for why); a slice it does not take (a nested value, or a
 * cut inside a string that only looked like a boundary) is parsed by `JSON.parse` and read row by row, and if
 * that fails too the whole answer goes to `envelope()`, as does anything else (other keys after the array,
 * an error answer). An answer parsed at once is read in slices of `sliceRows` rows. The guests keep the id and
 * name strings of the same guests in `known`, which then holds this answer's guests.
 */
export async function clusterResourcesInSlices(res: WireResponse, request: string, options: SliceOptions = {}): Promise<{ data: ClusterSnapshot }> {
  const { pause = nextTurn, sliceChars = SLICE_CHARS, sliceRows = 2000, known = new KnownGuests() } = options;
  let out = emptyResources();
  const read = async (rows: Row[]): Promise<void> => {
    for (let from = 0; from < rows.length; from += sliceRows) {
      if (from > 0) await pause();
      addResources(rows, from, Math.min(rows.length, from + sliceRows), out);
    }
  };
  const sink = new ResourceRows(out, known);
  const whole = await eachSlice(res, request, pause, sliceChars, async (text) => {
    const before = lengths(out);
    sink.text = text;
    if (readFlatRows(text, 0, text.length, sink)) return true;
    truncate(out, before);
    sink.clear();
    const part = parseSlice(text);
    if (!part) return false;
    await read(part as Row[]);
    return true;
  });
  if (whole) {
    out = emptyResources();
    const rows = asRows(whole.data, '/cluster/resources');
    if (rows.length > sliceRows) await pause();
    await read(rows);
  }
  withoutDuplicates(out);
  known.remember(out.guests);
  return { data: out };
}

/** The answer's text as eachSlice reads it: parts of it, and where an entry of its array ends. */
interface AnswerText {
  readonly length: number;
  /** The text from `from` to `to`. */
  part(from: number, to: number): string;
  /** The first `}` at or after `from` (before `end`) followed by `,` and `{` with only whitespace between, and where that `{` is. */
  boundary(from: number, end: number): { close: number; open: number } | undefined;
}

/** JSON's whitespace only: a `\v` or a no-break space between entries is malformed, as JSON.parse says. */
const ENTRY_BOUNDARY = /\}[ \t\n\r]*,[ \t\n\r]*\{/g;

function answerText(res: WireResponse): AnswerText {
  const bytes = res.bytes;
  // ASCII bytes: each part is made from them, and the whole answer never becomes one string.
  if (bytes) return { length: bytes.length, part: (from, to) => bytes.toString('latin1', from, to), boundary: (from, end) => byteBoundary(bytes, from, end) };
  const text = res.body;
  return {
    length: text.length,
    part: (from, to) => text.slice(from, to),
    boundary: (from, end) => {
      ENTRY_BOUNDARY.lastIndex = from;
      const cut = ENTRY_BOUNDARY.exec(text);
      return cut && cut.index < end ? { close: cut.index, open: ENTRY_BOUNDARY.lastIndex - 1 } : undefined;
    },
  };
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

/** AnswerText.boundary over bytes. */
function byteBoundary(bytes: Buffer, from: number, end: number): { close: number; open: number } | undefined {
  for (let close = bytes.indexOf(0x7d, from); close >= 0 && close < end; close = bytes.indexOf(0x7d, close + 1)) {
    let j = close + 1;
    while (j < end && isSpace(bytes[j])) j++;
    if (bytes[j] !== 0x2c) continue;
    j++;
    while (j < end && isSpace(bytes[j])) j++;
    if (j < end && bytes[j] === 0x7b) return { close, open: j };
  }
  return undefined;
}

/**
 * Hands each slice (the text of entries of the `{"data":[…]}` answer's array) to `each`, with `pause()`
 * between slices; resolves to undefined when `each` took every slice, or to the whole envelope when the
 * answer had to be parsed at once (another shape, or a slice `each` did not take — it may then have read
 * some slices, which the caller discards).
 */
async function eachSlice(
  res: WireResponse,
  request: string,
  pause: () => Promise<void>,
  sliceChars: number,
  each: (text: string) => Promise<boolean>,
): Promise<{ data: unknown; total?: number } | undefined> {
  const text = answerText(res);
  const head = /^[ \t\n\r]*\{[ \t\n\r]*"data"[ \t\n\r]*:[ \t\n\r]*\[/.exec(text.part(0, Math.min(text.length, 64)));
  const last = text.part(Math.max(0, text.length - 64), text.length);
  const tail = head && /\][ \t\n\r]*\}[ \t\n\r]*$/.exec(last);
  if (!head || !tail) return envelope(res, request);
  const end = text.length - last.length + tail.index;
  let from = head[0].length;
  if (end < from) return envelope(res, request);
  // Several answers often arrive in one turn of the event loop: each large one starts in a turn of its own.
  if (end - from > sliceChars) await pause();
  while (end - from > sliceChars) {
    const cut = text.boundary(from + sliceChars, end);
    if (!cut) break;
    if (!(await each(text.part(from, cut.close + 1)))) return envelope(res, request);
    from = cut.open;
    await pause();
  }
  return (await each(text.part(from, end))) ? undefined : envelope(res, request);
}

function parseSlice(slice: string): unknown[] | undefined {
  if (slice.trim() === '') return [];
  try {
    return JSON.parse(`[${slice}]`) as unknown[];
  } catch {
    return undefined;
  }
}

/**
 * The rows readFlatRows finds, into the model: guests through one GuestFields (no object per row); the few
 * other rows (nodes, storages, pools) parsed one by one and read as `parseClusterResources` reads them.
 */
class ResourceRows implements FlatRowSink {
  private readonly fields = new GuestFields();
  /** The slice being read (row offsets are into it). */
  text = '';

  constructor(
    private readonly out: Resources,
    private readonly known: KnownGuests,
  ) {}

  field(key: string, value: Scalar): void {
    this.fields.set(key, value);
  }

  row(from: number, to: number): boolean {
    const type = this.fields.rowType;
    if (type === 'qemu' || type === 'lxc') {
      const guests = this.out.guests;
      const vmid = this.fields.vmid;
      guests.push(this.fields.guest(undefined, vmid === undefined ? undefined : this.known.at(guests.length, vmid)));
    } else if (type !== undefined) {
      // readFlatRows lets a raw control character through inside a string, which JSON.parse refuses: then the
      // slice goes the slow way (the caller clears this sink), and a malformed answer ends as envelope() reports it.
      let row: Row;
      try {
        row = JSON.parse(this.text.slice(from, to)) as Row;
      } catch {
        return false;
      }
      addResources([row], 0, 1, this.out);
    }
    this.fields.reset();
    return true;
  }

  /** Forgets a row read in part (readFlatRows stopped inside it). */
  clear(): void {
    this.fields.reset();
  }
}

function lengths(out: Resources): number[] {
  return [out.nodes.length, out.guests.length, out.storages.length, out.pools.length];
}

function truncate(out: Resources, to: number[]): void {
  out.nodes.length = to[0];
  out.guests.length = to[1];
  out.storages.length = to[2];
  out.pools.length = to[3];
}

function emptyResources(): Resources {
  return { nodes: [], guests: [], storages: [], pools: [] };
}
