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
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parsePartialJson, type JsonValue } from './partialJson';

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

/** Depth of the position tree: hosts.nix needs host → proxmox → attr; definitions.nix imported → vm → specs → attr. */
const POS_DEPTH = 4;

/**
 * The wrapper, on one line so the user's text starts on line 2. Names are long and odd so that the user's
 * own code cannot pick them up by accident. `self` is the wrapper's own position record: its `file` names
 * stdin (Nix 2.8 puts the whole stdin text there, newer versions «stdin»), so comparing against it keeps
 * exactly the positions inside this file and drops those of imported files.
 */
const WRAPPER = [
  'let',
  '__proxmoxIacSelf = (builtins.unsafeGetAttrPos "x" { x = 0; }).file;',
  `__proxmoxIacPos = n: s: let p = builtins.unsafeGetAttrPos n s; in if p != null && p.file == __proxmoxIacSelf then [ (p.line - 1) p.column ] else null;`,
  '__proxmoxIacIsAttrs = x: let r = builtins.tryEval (builtins.isAttrs x); in r.success && r.value;',
  '__proxmoxIacTree = d: s: builtins.mapAttrs (n: x: { at = __proxmoxIacPos n s; sub = if d > 0 && __proxmoxIacIsAttrs x then __proxmoxIacTree (d - 1) x else null; }) s;',
  '__proxmoxIacConv = v: if builtins.isPath v then builtins.toString v else if builtins.isAttrs v then builtins.mapAttrs (n: x: __proxmoxIacConv x) v else if builtins.isList v then map __proxmoxIacConv v else if builtins.isFunction v then { __proxmoxIacFunction = true; } else v;',
  `__proxmoxIacRun = v: if __proxmoxIacIsAttrs v then { a = __proxmoxIacTree ${POS_DEPTH} v; b = __proxmoxIacConv v; k = "attrs"; } else { k = if builtins.isFunction v then "function" else builtins.typeOf v; };`,
  'in __proxmoxIacRun (',
].join(' ');

/** Lines the wrapper adds before the user's text. */
const WRAPPER_LINES = 1;

export function wrapForEvaluation(text: string): string {
  return `${WRAPPER}\n${text}\n)\n`;
}

/** Marker the wrapper puts where the file has a function value. */
export function isNixFunctionMarker(v: JsonValue | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v['__proxmoxIacFunction'] === true;
}

/** Where Nix usually lives when it is not on PATH (VS Code started from a desktop often lacks the profile's PATH). */
function candidateNixBins(): string[] {
  return [
    'nix-instantiate',
    '/run/current-system/sw/bin/nix-instantiate',
    '/nix/var/nix/profiles/default/bin/nix-instantiate',
    join(homedir(), '.nix-profile/bin/nix-instantiate'),
    '/usr/bin/nix-instantiate',
    '/usr/local/bin/nix-instantiate',
  ];
}

/** The absolute path of `name` found on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir && isAbsolute(dir) && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

let resolvedDefaultBin: string | undefined;

/**
 * The `nix-instantiate` to run as an absolute path (the process gets no PATH, see `nixEnvironment`), or
 * undefined when none is installed.
 */
export function resolveNixBin(nixBin?: string): string | undefined {
  if (nixBin !== undefined) {
    if (nixBin.includes('/')) return existsSync(nixBin) ? resolve(nixBin) : undefined;
    return onPath(nixBin);
  }
  if (resolvedDefaultBin && existsSync(resolvedDefaultBin)) return resolvedDefaultBin;
  for (const c of candidateNixBins()) {
    const found = c.includes('/') ? (existsSync(c) ? c : undefined) : onPath(c);
    if (found) {
      resolvedDefaultBin = found;
      return found;
    }
  }
  return undefined;
}

/** Whether `dir` is `root` or below it. */
function isWithin(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Folders the evaluation may read. Without a workspace folder holding the file: only the file's fleet root
 * (the folder of hosts.nix; the parent of `vms/`). Inside one: the nearest ancestor holding `flake.nix` or
 * `.git` (the user's Nix repository) that is still inside that workspace folder, else the fleet root. Never
 * a folder above the workspace: a workspace inside a dotfiles repository in $HOME must not let hosts.nix
 * read `../../.ssh/id_ed25519`.
 */
export function defaultAllowedPaths(file: string, workspaceRoots: readonly string[] = []): string[] {
  const own = dirname(resolve(file));
  const fleetRoot = /\/vms$/.test(own) ? dirname(own) : own;
  const root = workspaceRoots
    .map((r) => resolve(r))
    .filter((r) => isWithin(own, r))
    .sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return [fleetRoot];
  for (let dir = own; isWithin(dir, root); dir = dirname(dir)) {
    if (existsSync(join(dir, 'flake.nix')) || existsSync(join(dir, '.git'))) return [dir];
    if (dir === root) break;
  }
  return [isWithin(fleetRoot, root) ? fleetRoot : own];
}

/**
 * The whole environment nix-instantiate runs with; nothing of the editor's or CLI's environment is
 * inherited (a `PROXMOX_IAC_TOKEN` or `PROXMOX_IAC_SECRETS_FILE` must not reach workspace code through
 * `builtins.getEnv`, and `NIX_CONFIG` / `NIX_PATH` / `NIX_REMOTE` must not change what evaluation may do):
 * - `NIX_PATH=""`: `<nixpkgs>` and other search-path entries do not widen the allowed paths.
 * - `NIX_CONF_DIR=/dev/null`, `NIX_USER_CONF_FILES=/dev/null`: no nix.conf at all (it could enable
 *   `builtins.exec`, plugins or extra search paths); evaluation needs no setting from there.
 * - `HOME` and `XDG_CACHE_HOME` set to the temp folder: Nix wants a home for its cache and must not write
 *   into the user's; with `--store dummy://` it writes nothing there anyway.
 * - `LANG=C.UTF-8`: stable, parseable error messages.
 * No `PATH`: the binary is started by absolute path and evaluation runs no other program.
 */
export function nixEnvironment(): Record<string, string> {
  const tmp = tmpdir();
  return { NIX_PATH: '', NIX_CONF_DIR: '/dev/null', NIX_USER_CONF_FILES: '/dev/null', HOME: tmp, XDG_CACHE_HOME: tmp, LANG: 'C.UTF-8' };
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

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Reads Nix's error text (2.x formats) and the cut-off JSON into one error with a position in this file. */
export function parseNixError(stderr: string, stdout: string, text: string): NixEvalError {
  const lines = stderr.replace(ANSI, '').split('\n');
  const first = lines.findIndex((l) => l.startsWith('error:'));
  const block = first >= 0 ? lines.slice(first) : lines;
  // The message: from `error:` to the first blank line, trace line, position or code excerpt.
  const messageLines: string[] = [];
  for (const raw of block) {
    if (messageLines.length > 0 && (raw.trim() === '' || /^\s*(… |at |\d+\||\|)/.test(raw))) break;
    if (raw.trim() === '') continue;
    messageLines.push(raw.replace(/^error:\s*/, '').trim());
  }
  let message = messageLines.join(' ').replace(/\(use '--show-trace'.*$/, '').trim();
  // Positions in the message itself ("already defined at (string):2:3") count the wrapper's line too.
  message = message.replace(/(?:«stdin»|\(stdin\)|\(string\)):(\d+):(\d+)/g, (_m, l: string, c: string) => `line ${Number(l) - WRAPPER_LINES}, column ${c}`);
  if (!message) message = 'Nix could not evaluate this file.';

  // With --show-trace the innermost position comes first, then the frames that led there.
  let line: number | undefined;
  let column: number | undefined;
  let elsewhere: string | undefined;
  const contentLines = text.trimEnd().split('\n').length;
  for (const raw of block) {
    const at = /^\s*at (.+):(\d+):(\d+):?\s*$/.exec(raw);
    if (!at) continue;
    const where = at[1];
    if (where === '«stdin»' || where === '(stdin)' || where === '(string)') {
      const l = Number(at[2]) - WRAPPER_LINES;
      // Trace frames inside the wrapper itself say nothing about the user's file.
      if (l < 1) continue;
      if (l > contentLines) {
        // Nix reached the wrapper's closing parenthesis: something in the file is never closed.
        line = contentLines;
        column = 1;
        if (/syntax error/.test(message)) {
          message = 'syntax error: the file ends before every `{`, `[`, `(`, `let … in` or string is closed.';
        }
      } else {
        line = Math.max(l, 1);
        column = Number(at[3]);
      }
      break;
    }
    elsewhere ??= `${where}:${at[2]}:${at[3]}`;
  }

  const { attrPath, attrPos } = failedAttribute(stdout);
  return {
    message,
    ...(line !== undefined ? { line, column: column ?? 1 } : {}),
    ...(elsewhere !== undefined ? { elsewhere } : {}),
    ...(attrPath ? { attrPath } : {}),
    ...(attrPos ? { attrPos } : {}),
  };
}

/**
 * The wrapper prints `{"a": <positions>, "b": <value>, …}`. Output that stops inside `a` or `b` names the
 * attribute being evaluated; the positions printed so far locate it.
 */
function failedAttribute(stdout: string): { attrPath?: string[]; attrPos?: NixPos } {
  if (!stdout.trim()) return {};
  const { value, cutAt } = parsePartialJson(stdout);
  if (!cutAt || cutAt.length < 2 || typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const tree = value['a'] as PosTree | undefined;
  const attrPath: string[] = [];
  if (cutAt[0] === 'a') {
    // a.<name>.sub.<name>.sub… : names at odd indexes, followed by "at" or "sub".
    for (let k = 1; k < cutAt.length; k += 2) {
      const name = cutAt[k];
      if (typeof name !== 'string') break;
      attrPath.push(name);
      if (cutAt[k + 1] !== 'sub') break;
    }
  } else if (cutAt[0] === 'b') {
    for (const part of cutAt.slice(1)) {
      if (typeof part !== 'string') break;
      attrPath.push(part);
    }
  }
  let attrPos: NixPos | undefined;
  let level: PosTree | null | undefined = tree;
  for (const name of attrPath) {
    const entry: PosTree[string] | undefined = level?.[name];
    if (!entry) break;
    if (entry.at) attrPos = entry.at;
    level = entry.sub;
  }
  return attrPath.length ? { attrPath, ...(attrPos ? { attrPos } : {}) } : {};
}

/** Forget cached results, e.g. when a file that fleet files import was saved. */
export function clearNixEvalCache(): void {
  cache.clear();
}
