/**
 * Runs the real `nix-instantiate --eval --strict --json` on the current text of a Nix file and returns its
 * value together with the source position of every attribute (via `builtins.unsafeGetAttrPos`).
 *
 * How it stays safe and portable:
 * - The text goes in on stdin (no temp file in the user's workspace, no argv size limit); Nix resolves
 *   relative paths such as `./vms/definitions.nix` against the working directory, the file's own folder.
 * - A one-line wrapper in front of the text turns path values into strings (`builtins.toString` does not touch
 *   the file, so `./hosts/epi/configuration.nix` need not exist) and functions into a marker.
 * - `--store dummy://`: evaluation needs no Nix store, no daemon and writes nothing (verified with an empty
 *   /nix and an unwritable HOME); a fresh Debian `nix-bin` works for root and ordinary users alike.
 * - `restrict-eval` with only the file's own tree on the search path (`defaultAllowedPaths`: never above the
 *   workspace folder): a workspace file cannot read other files or fetch from the network.
 * - A minimal environment, not the editor's (`nixEnvironment`): no `NIX_PATH` to widen the search path, no
 *   `NIX_CONFIG` or nix.conf (they could enable `builtins.exec` or load plugins), no `PROXMOX_IAC_*` secrets.
 * - Every process is killed with SIGKILL on timeout or abort: Nix notices SIGTERM only between steps and
 *   was seen here running 40 s after it. At most two evaluations run at once.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { defaultAllowedPaths, nixEnvironment } from './evalBoundary';
import { resolveNixBin } from './nixBinary';
import { parseNixError } from './nixError';
import type { JsonValue } from './partialJson';
import { wrapForEvaluation } from './wrapper';

export const DEFAULT_NIX_TIMEOUT_MS = 10_000;

export interface NixEvalOptions {
  /** Kill the evaluation after this long (default 10 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** `nix-instantiate` to run (a path or a name looked up on PATH); default: PATH, then the usual Nix profiles. */
  readonly nixBin?: string;
  /** Directories the evaluation may read (default: see `defaultAllowedPaths`). */
  readonly allowedPaths?: readonly string[];
  /**
   * The workspace folders (the CLI: its working directory). The default allowed path may widen from the
   * file's folder up to its repository, but never above the workspace folder that holds the file.
   */
  readonly workspaceRoots?: readonly string[];
}

/** Source position of one attribute: 1-based line and column as Nix reports them (column counts bytes). */
export type NixPos = readonly [line: number, column: number];

/**
 * Positions of a value's attributes (lines of the user's text, not of the wrapped input), nested for
 * attribute sets up to a fixed depth. `at` sorts before `sub`, so Nix prints an attribute's position
 * before it evaluates the attribute's value.
 */
export interface PosTree {
  readonly [name: string]: { readonly at: NixPos | null; readonly sub: PosTree | null };
}

export type NixEvalResult =
  | { readonly kind: 'ok'; readonly value: { readonly [key: string]: JsonValue }; readonly positions: PosTree }
  /** The file evaluated to something other than an attribute set (a function, a list …). */
  | { readonly kind: 'not-attrs'; readonly type: string }
  | { readonly kind: 'error'; readonly error: NixEvalError }
  | { readonly kind: 'not-installed'; readonly tried: string }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'cancelled' };

export interface NixEvalError {
  /** Nix's message without the `error:` prefix and the code excerpt. */
  readonly message: string;
  /** Where in this file Nix says the error is (1-based line, 1-based byte column), if it says so. */
  readonly line?: number;
  readonly column?: number;
  /** When Nix points into another file (an imported one): that file and position, for the message. */
  readonly elsewhere?: string;
  /** Attribute path whose evaluation failed, read from where the JSON output stopped. */
  readonly attrPath?: readonly string[];
  /** Position of the innermost attribute of `attrPath` that has one in this file. */
  readonly attrPos?: NixPos;
}

/** At most this many nix processes at once (the machine and the user's editor share the CPU). */
const MAX_PARALLEL = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T | 'cancelled'> {
  if (running >= MAX_PARALLEL) {
    const granted = await new Promise<boolean>((resolve) => {
      const go = (): void => {
        signal?.removeEventListener('abort', stop);
        resolve(true);
      };
      const stop = (): void => {
        const at = waiting.indexOf(go);
        if (at >= 0) waiting.splice(at, 1);
        resolve(false);
      };
      waiting.push(go);
      signal?.addEventListener('abort', stop, { once: true });
    });
    if (!granted) return 'cancelled';
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    // The slot passes straight to the next waiter; only when nobody waits does the count go down.
    if (next) next();
    else running--;
  }
}

/**
 * Small cache: validation, guests, hover and settings all ask about the same text in quick succession.
 * Entries expire quickly because the result also depends on files the text imports.
 */
const CACHE_SIZE = 24;
const CACHE_TTL_MS = 5_000;
const cache = new Map<string, { readonly result: NixEvalResult; readonly at: number }>();

function cacheKey(file: string, text: string, bin: string, allowed: readonly string[]): string {
  return `${bin}\0${allowed.join(':')}\0${file}\0${text}`;
}

/** Evaluates `text` as if it were the content of `file`. Never throws. */
export async function evaluateNixText(file: string, text: string, options: NixEvalOptions = {}): Promise<NixEvalResult> {
  const bin = resolveNixBin(options.nixBin);
  if (!bin) return { kind: 'not-installed', tried: options.nixBin ?? 'nix-instantiate' };
  if (options.signal?.aborted) return { kind: 'cancelled' };
  const allowed = options.allowedPaths ?? defaultAllowedPaths(file, options.workspaceRoots);
  const key = cacheKey(file, text, bin, allowed);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.result;
  if (hit) cache.delete(key);
  const result = await withSlot(options.signal, () => runNix(bin, file, text, allowed, options));
  if (result === 'cancelled') return { kind: 'cancelled' };
  if (result.kind === 'ok' || result.kind === 'error' || result.kind === 'not-attrs') {
    cache.set(key, { result, at: Date.now() });
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return result;
}

async function runNix(bin: string, file: string, text: string, allowed: readonly string[], options: NixEvalOptions): Promise<NixEvalResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_NIX_TIMEOUT_MS;
  const args = [
    '--eval',
    '--strict',
    '--json',
    '--show-trace',
    '--store',
    'dummy://',
    '--option',
    'restrict-eval',
    'true',
    '--option',
    'allowed-uris',
    '',
    // A user's nix.conf may turn this on, and builtins.exec would run any command; say no explicitly.
    '--option',
    'allow-unsafe-native-code-during-evaluation',
    'false',
  ];
  for (const p of allowed) args.push('-I', p);
  args.push('-');
  const { execa } = await import('execa');
  const result = await execa(bin, args, {
    input: wrapForEvaluation(text),
    // An unsaved file's folder may not exist; its relative paths then resolve nowhere readable anyway.
    cwd: existsSync(dirname(file)) ? dirname(file) : tmpdir(),
    env: nixEnvironment(),
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    maxBuffer: 64 * 1024 * 1024,
    stripFinalNewline: false,
  });
  if (result.isCanceled) return { kind: 'cancelled' };
  if (result.timedOut) return { kind: 'timeout', timeoutMs };
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT') return { kind: 'not-installed', tried: bin };
  if (result.failed && result.exitCode === undefined && result.signal === undefined) {
    // execa could not start or talk to the process at all (EACCES, a buffer overflow …).
    return { kind: 'error', error: { message: result.shortMessage ?? 'nix-instantiate could not run.' } };
  }
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  if (result.exitCode === 0) {
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(stdout) as JsonValue;
    } catch {
      return { kind: 'error', error: { message: 'nix-instantiate printed something that is not JSON.' } };
    }
    const obj = parsed as { a?: PosTree; b?: { [key: string]: JsonValue }; k?: string };
    if (obj.k !== 'attrs' || !obj.b || !obj.a) return { kind: 'not-attrs', type: obj.k ?? 'unknown' };
    return { kind: 'ok', value: obj.b, positions: obj.a };
  }
  return { kind: 'error', error: parseNixError(stderr, stdout, text) };
}

/** Forget cached results, e.g. when a file that fleet files import was saved. */
export function clearNixEvalCache(): void {
  cache.clear();
}
