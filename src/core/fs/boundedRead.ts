/**
 * The one way the core reads a workspace file: only a regular file (after following symlinks), at most
 * `MAX_FILE_BYTES`, and never blocking. A preset symlinked to /dev/zero would otherwise be read until memory
 * runs out, and opening a FIFO waits for a writer forever. Used by every FileSource over the disk, the Nix
 * companion-file reader and the CLI walker.
 */
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import type { FileSource } from '../validate/api';
import type { IacDiagnostic } from '../iac/types';

/** The largest IaC file read (2 MiB): generous for hand-written YAML and Nix, small enough to parse at once. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export type Refusal =
  /** What the path is instead of a regular file: "a FIFO", "a character device", … */
  | { readonly reason: 'not-regular'; readonly what: string }
  | { readonly reason: 'too-large'; readonly bytes: number; readonly limit: number };

export type ReadOutcome =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'missing' }
  | ({ readonly kind: 'refused' } & Refusal);

interface StatLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

function kindOf(st: StatLike): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a folder';
  return 'not a file';
}

/**
 * Reads `path` as UTF-8 if it resolves to a regular file of at most `limit` bytes. The type and size are
 * checked on the resolved path before opening, and again on the open descriptor (opened non-blocking, so a
 * path swapped for a FIFO in between cannot hang the read); the read stops at `limit + 1` bytes whatever
 * the size claimed.
 */
export async function readBounded(path: string, limit = MAX_FILE_BYTES): Promise<ReadOutcome> {
  let resolved: string;
  try {
    resolved = await realpath(path);
  } catch {
    return { kind: 'missing' };
  }
  const st = await stat(resolved).catch(() => undefined);
  if (!st) return { kind: 'missing' };
  if (!st.isFile()) return { kind: 'refused', reason: 'not-regular', what: kindOf(st) };
  if (st.size > limit) return { kind: 'refused', reason: 'too-large', bytes: st.size, limit };
  let handle;
  try {
    handle = await open(resolved, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return { kind: 'missing' };
  }
  try {
    const fst = await handle.stat();
    if (!fst.isFile()) return { kind: 'refused', reason: 'not-regular', what: kindOf(fst) };
    const buffer = Buffer.alloc(Math.min(fst.size, limit) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length) {
        if (filled > limit) return { kind: 'refused', reason: 'too-large', bytes: filled, limit };
        break;
      }
    }
    return { kind: 'text', text: buffer.toString('utf8', 0, filled) };
  } catch {
    return { kind: 'missing' };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The text, or undefined for a missing or refused file (for callers that only need the text). */
export async function readBoundedText(path: string, limit = MAX_FILE_BYTES): Promise<string | undefined> {
  const r = await readBounded(path, limit);
  return r.kind === 'text' ? r.text : undefined;
}

/** What `files` gives for `path`: its bounded read when it has one, its plain text otherwise. */
export async function readOutcome(files: FileSource, path: string): Promise<ReadOutcome> {
  if (files.read) return files.read(path);
  const text = await files.readFile(path);
  return text === undefined ? { kind: 'missing' } : { kind: 'text', text };
}

/** One sentence for a refused file, naming it as `shown` (a path relative to what the user looks at). */
export function describeRefusal(shown: string, refusal: Refusal): string {
  if (refusal.reason === 'not-regular') return `${shown} is not a regular file (${refusal.what}); not read.`;
  const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${shown} is larger than ${mb(refusal.limit)} (${mb(refusal.bytes)}${refusal.bytes > refusal.limit + 1 ? '' : ' or more'}), too large for an IaC file; not read.`;
}

/**
 * The diagnostic for a file that was not read, on its first character: an error for a special file (the IaC
 * tools would hang or fail on it too), a warning for an over-large one (only left unchecked).
 */
export function refusalDiagnostic(shown: string, refusal: Refusal): IacDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: refusal.reason === 'not-regular' ? 'error' : 'warning',
    code: 'unreadable-file',
    message: describeRefusal(shown, refusal),
  };
}
