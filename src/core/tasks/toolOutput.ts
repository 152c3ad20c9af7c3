/**
 * What the tool runner (src/runner/) reads in a tool's output, line by line: file references to put on the
 * right file for the problem matchers, the plan's summary, and a held state lock. Pure, over text lines.
 *
 * Why paths are rewritten: VS Code resolves a problem matcher's relative file names against a fixed base
 * (`${workspaceFolder}`; `${cwd}` is the workspace folder too, not the task's folder), while OpenTofu and
 * Terraform print them relative to the folder they run in (`on main.tf line 12`), and Nix prints the store
 * copy of a flake (`/nix/store/…-source/hosts.nix:41:5`). The runner therefore prints them relative to the
 * workspace folder (`on infra/main.tf line 12`), which the matchers and the terminal's links both resolve.
 */
import { isAbsolute, join, relative, sep } from 'node:path';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export interface PathContext {
  /** The folder the tool runs in (absolute). */
  readonly cwd: string;
  /** The workspace folder (absolute): rewritten paths are relative to it. */
  readonly base: string;
  /**
   * The workspace file a Nix store path stands for, when the store file is a copy of it (same content);
   * undefined otherwise. Injected so the rewriting stays pure.
   */
  readonly storeCopyOf?: (storePath: string) => string | undefined;
}

/** `on main.tf line 12` (inside colour codes and the `│` frame): group 2 is the file. */
// eslint-disable-next-line no-control-regex
const TF_LOCATION = /(\bon )([^\s\x1b,]+)( line \d+)/;
/** `at /path/hosts.nix:41:5` (perhaps the flake's store copy): group 2 is the absolute path. */
const NIX_LOCATION = /(\bat )(\/[^\s:]+)(:\d+:\d+)/;

function workspaceRelative(absolute: string, base: string): string {
  // Always relative (`../other/main.tf` outside the workspace folder): the matchers join it to the folder
  // synchronously ("relative"), where "autoDetect" checks the file on disk first and, when the task ends at
  // once, can lose the problem.
  return relative(base, absolute).split(sep).join('/') || '.';
}

/** One output line with its file references made workspace-relative; other lines are returned unchanged. */
export function rewriteLine(line: string, ctx: PathContext): string {
  const tf = TF_LOCATION.exec(line);
  if (tf) {
    const rewritten = workspaceRelative(isAbsolute(tf[2]) ? tf[2] : join(ctx.cwd, tf[2]), ctx.base);
    return line.slice(0, tf.index) + tf[1] + rewritten + tf[3] + line.slice(tf.index + tf[0].length);
  }
  const nix = NIX_LOCATION.exec(line);
  if (nix) {
    const original = nix[2].startsWith('/nix/store/') ? ctx.storeCopyOf?.(nix[2]) : nix[2];
    if (original) return line.slice(0, nix.index) + nix[1] + workspaceRelative(original, ctx.base) + nix[3] + line.slice(nix.index + nix[0].length);
  }
  return line;
}

/** The file a store path names inside the flake's source copy: `hosts.nix` for `/nix/store/<h>-source/hosts.nix`. */
export function storeRelativePath(storePath: string): string | undefined {
  const m = /^\/nix\/store\/[a-z0-9]{32}-[^/]+\/(.+)$/.exec(storePath);
  return m && !m[1].split('/').includes('..') ? m[1] : undefined;
}

/**
 * Splits a stream of chunks into lines for `rewriteLine` without holding back a prompt: a partial last line
 * (`Enter a value: `) is passed on at once unless it could still become a file reference.
 */
export class LineRewriter {
  private pending = '';

  constructor(private readonly rewrite: (line: string) => string) {}

  push(chunk: string): string {
    const text = this.pending + chunk;
    const lastBreak = text.lastIndexOf('\n');
    const complete = lastBreak < 0 ? '' : text.slice(0, lastBreak + 1);
    const rest = lastBreak < 0 ? text : text.slice(lastBreak + 1);
    const out = complete
      .split('\n')
      .slice(0, -1)
      .map((l) => this.rewrite(l) + '\n')
      .join('');
    const plain = stripAnsi(rest);
    if (/\bon |\bat \//.test(plain) || /(?:^|\s)(?:o|on|a|at)$/.test(plain)) {
      this.pending = rest;
      return out;
    }
    this.pending = '';
    return out + rest;
  }

  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest ? this.rewrite(rest) : '';
  }
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Replacements, counted in `add` and `destroy` too (as the tools count them). */
  readonly replace: number;
}

export interface StateLock {
  readonly id: string;
  readonly who?: string;
  readonly created?: string;
  readonly operation?: string;
  readonly path?: string;
}

/** What a run showed: read from its whole output (colour codes removed). */
export interface RunReport {
  readonly plan?: PlanSummary;
  /** `No changes.` was printed: a plan with nothing to do. */
  readonly noChanges?: boolean;
  readonly lock?: StateLock;
  /** The plan's text, from "will perform the following actions" to its `Plan:` line. */
  readonly planText?: string;
}

const PLAN_LINE = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./;

/** A frame drawn around diagnostics (`│ `, `╷`, `╵`) removed, so fields read the same in colour and plain output. */
function unframe(line: string): string {
  return line.replace(/^[│╷╵|]\s?/, '');
}

export function readRunReport(output: string): RunReport {
  const lines = stripAnsi(output).split(/\r?\n/);
  let plan: { add: number; change: number; destroy: number; replace: number } | undefined;
  let planText: string | undefined;
  let start = -1;
  let replace = 0;
  lines.forEach((line, i) => {
    if (/will perform the following actions:/.test(line) || /Terraform used the selected providers|OpenTofu used the selected providers/.test(line)) {
      if (start < 0) start = i;
    }
    // `-/+ resource "…" "…" {` (or `+/-` with create_before_destroy): one replacement.
    if (/^\s*[-+]\/[-+] resource /.test(line)) replace += 1;
    const m = PLAN_LINE.exec(line);
    if (m) {
      plan = { add: Number(m[1]), change: Number(m[2]), destroy: Number(m[3]), replace };
      if (start >= 0) planText = lines.slice(start, i + 1).join('\n');
    }
  });
  const noChanges = lines.some((l) => /^\s*No changes\./.test(l)) || undefined;
  return { ...(plan ? { plan } : {}), ...(noChanges ? { noChanges } : {}), ...(planText ? { planText } : {}), ...lockIn(lines) };
}

/**
 * `Error acquiring the state lock` with its `Lock Info:` block (ID, Path, Operation, Who, Created), as
 * OpenTofu and Terraform print it for every backend (local, HTTP 423/409, S3 …).
 */
function lockIn(lines: readonly string[]): { lock?: StateLock } {
  const at = lines.findIndex((l) => /Error acquiring the state lock|Error locking state/.test(l));
  if (at < 0) return {};
  const fields: Record<string, string> = {};
  for (const raw of lines.slice(at, at + 40)) {
    const m = /^\s*(ID|Path|Operation|Who|Created|Version|Info):\s+(.*?)\s*$/.exec(unframe(raw));
    if (m && !(m[1] in fields)) fields[m[1]] = m[2];
  }
  if (!fields.ID) return {};
  return { lock: { id: fields.ID, who: fields.Who, created: fields.Created, operation: fields.Operation, path: fields.Path } };
}

/**
 * A lock's time as Go prints it in `Lock Info:` (`2026-12-02 06:33:02.174983384 +0000 UTC`) in the ISO form
 * the lock file of seed 001 and the lock's JSON use, to the second (`2026-12-02T06:33:02Z`); any other text as it is.
 */
export function lockTimeText(created: string): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)? ([+-])(\d\d)(\d\d)(?: [A-Z]+)?$/.exec(created.trim());
  if (!m) return created;
  const t = Date.parse(`${m[1]}T${m[2]}${m[3]}${m[4]}:${m[5]}`);
  return Number.isNaN(t) ? created : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `+2 ~1 -0`, with ` (1 replaced)` when something is replaced. */
export function planSummaryText(p: PlanSummary): string {
  return `${p.add} to add, ${p.change} to change, ${p.destroy} to destroy${p.replace ? ` (${p.replace} replaced)` : ''}`;
}

/** A local backend's lock file (`.terraform.tfstate.lock.info`), as JSON; undefined when it is not one. */
export function parseLockInfo(text: string): StateLock | undefined {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    if (typeof j.ID !== 'string' || !j.ID) return undefined;
    const s = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { id: j.ID, who: s(j.Who), created: s(j.Created), operation: s(j.Operation), path: s(j.Path) };
  } catch {
    return undefined;
  }
}
