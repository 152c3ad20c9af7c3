/**
 * Text from a Proxmox server, a guest agent or a file, made safe to print on a terminal. Guest and node names,
 * tags, the agent's host name, interfaces and OS, task log lines and the server's error messages are chosen by
 * whoever controls the server or the guest: printed raw, `\u001b]52;…\u0007` writes the user's clipboard and
 * `\u001b[2K\r` rewrites the line above. Every C0 control, DEL and C1 control (U+0080–U+009F, which some
 * terminals read as ESC-sequences too) is shown as its JavaScript escape (`\u001b`, `\n`); all other Unicode
 * (`wébserver-東京`) is kept. The `\u00XX` form is also a valid JSON escape for the same character, so the
 * last-resort filter in main.ts cannot make JSON output invalid.
 */
import type { CliIO } from './command';

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

// The bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) print nothing but reorder what
// follows: `invoice\u202Eexe.pdf` shows as `invoicefdp.exe`. They are escaped with the controls.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const DEL_AND_C1 = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** One line (a table cell, a name in a sentence): line breaks and tabs are shown as `\n`, `\r`, `\t` too. */
export function safeText(text: string): string {
  return text.replace(CONTROLS, escape);
}

/** Text whose line breaks and tabs are meant (help, a list of lines): everything else as in safeText. */
export function safeLines(text: string): string {
  return text.replace(CONTROLS_BUT_LINES, escape);
}

/**
 * `JSON.stringify(value, null, 2)`, which escapes C0 controls but leaves DEL and C1 raw; those are escaped here
 * as `\u007f`…`\u009f`, so the output parses to the same value and carries no control byte.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(DEL_AND_C1, escape);
}

/** The CLI's output streams with safeLines applied to everything: what a command forgot to escape is escaped here. */
export function safeIo(io: CliIO): CliIO {
  return { ...io, out: (t) => io.out(safeLines(t)), err: (t) => io.err(safeLines(t)) };
}
