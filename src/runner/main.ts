/**
 * The tool runner: what a Proxmox IaC task's ProcessExecution starts (with the extension host's own Node).
 *
 *   tool-runner.js --base <workspace folder> [--report <file>] [--lock <file> --lock-operation <op>] -- <program> <args…>
 *
 * It starts <program> with exactly these arguments (no shell), in the task's folder, with the terminal as its
 * input (prompts still work) and its output passed on with file references made workspace-relative for the
 * problem matchers (see core/tasks/toolOutput.ts). Its exit status is the program's. With --report it writes
 * what the run showed (plan summary, held state lock, plan text) as JSON for the extension to read when the
 * task ends. With --lock it holds a seed-001 style state lock file for the duration of the run, and refuses
 * to start when another run holds it.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname, userInfo } from 'node:os';
import { LineRewriter, readRunReport, rewriteLine, storeRelativePath } from '../core/tasks/toolOutput';
import { describeFileLock, parseFileLock, type FileLock } from '../core/tasks/fileLock';

/** The most output kept for the report (the plan text; the extension reads at most 2 MiB); the terminal gets all of it. */
const MAX_KEPT = 1536 * 1024;

interface Options {
  base: string;
  report?: string;
  lock?: string;
  lockOperation: string;
  argv: string[];
}

function parse(args: string[]): Options {
  const sep = args.indexOf('--');
  if (sep < 0 || sep === args.length - 1) throw new Error('usage: tool-runner --base DIR [--report FILE] [--lock FILE] -- PROGRAM [ARGS…]');
  const flags = args.slice(0, sep);
  const get = (name: string) => {
    const i = flags.indexOf(name);
    return i >= 0 ? flags[i + 1] : undefined;
  };
  return { base: get('--base') ?? process.cwd(), report: get('--report'), lock: get('--lock'), lockOperation: get('--lock-operation') ?? 'run', argv: args.slice(sep + 1) };
}

/** The workspace file a flake's store copy stands for: same relative path in the task folder, same bytes. */
function storeCopyOf(cwd: string): (storePath: string) => string | undefined {
  const seen = new Map<string, string | undefined>();
  return (storePath) => {
    if (seen.has(storePath)) return seen.get(storePath);
    let found: string | undefined;
    const rel = storeRelativePath(storePath);
    if (rel) {
      try {
        const candidate = join(cwd, rel);
        if (readFileSync(candidate).equals(readFileSync(storePath))) found = candidate;
      } catch {
        found = undefined;
      }
    }
    seen.set(storePath, found);
    return found;
  };
}

/** Takes the lock file, or says who holds it; exclusive creation, so two runs cannot both take it. */
function takeLock(file: string, operation: string): FileLock | 'taken' {
  const mine: FileLock = { id: `${hostname()}-${process.pid}-${Date.now()}`, who: `${userInfo().username}@${hostname()}`, operation, created: new Date().toISOString(), pid: process.pid };
  try {
    mkdirSync(dirname(file), { recursive: true });
    const fd = openSync(file, 'wx', 0o644);
    writeSync(fd, JSON.stringify(mine, null, 2) + '\n');
    closeSync(fd);
    return 'taken';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    let held: FileLock | undefined;
    try {
      held = parseFileLock(readFileSync(file, 'utf8'));
    } catch {
      held = undefined;
    }
    return held ?? { id: 'unknown', who: 'unknown', operation: 'unknown', created: 'unknown' };
  }
}

function main(): void {
  const opts = parse(process.argv.slice(2));
  const cwd = process.cwd();
  let kept = '';
  const keep = (s: string) => {
    if (kept.length < MAX_KEPT) kept += s.slice(0, MAX_KEPT - kept.length);
  };
  const writeReport = (extra: Record<string, unknown> = {}) => {
    if (!opts.report) return;
    try {
      writeFileSync(opts.report, JSON.stringify({ ...readRunReport(kept), ...extra }), { mode: 0o600 });
    } catch {
      // The report is a convenience: the run's own result stands without it.
    }
  };
  if (opts.lock) {
    const held = takeLock(opts.lock, opts.lockOperation);
    if (held !== 'taken') {
      process.stderr.write(`The state is locked: ${describeFileLock(held)}.\nLock file: ${opts.lock}\n`);
      writeReport({ lock: { id: held.id, who: held.who, created: held.created, operation: held.operation, path: opts.lock, file: true } });
      process.exitCode = 1;
      return;
    }
  }
  const releaseLock = () => {
    if (opts.lock) rmSync(opts.lock, { force: true });
  };
  const ctx = { cwd, base: opts.base, storeCopyOf: storeCopyOf(cwd) };
  const [program, ...args] = opts.argv;
  // The runner itself runs as Node through this variable; the tool (perhaps an Electron app) must not.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(program, args, { cwd, env, stdio: ['inherit', 'pipe', 'pipe'] });
  const pipe = (from: NodeJS.ReadableStream, to: NodeJS.WriteStream) => {
    const rewriter = new LineRewriter((line) => rewriteLine(line, ctx));
    from.setEncoding('utf8');
    from.on('data', (chunk: string) => {
      keep(chunk);
      to.write(rewriter.push(chunk));
    });
    from.on('end', () => to.write(rewriter.end()));
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (err) => {
    releaseLock();
    process.stderr.write(`Could not start ${program}: ${err.message}\n`);
    process.exitCode = 127;
  });
  child.on('close', (code, signal) => {
    releaseLock();
    writeReport();
    process.exitCode = code ?? (signal ? 128 + 15 : 1);
  });
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
