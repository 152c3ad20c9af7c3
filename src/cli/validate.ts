import { stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { IacDiagnostic } from '../core/iac/types';
import { createLanguageService } from '../core/validate/service';
import { nixSupport } from '../core/validate/nixSupport';
import { LIVE_VMID_CONFLICT } from '../core/validate/liveConflicts';
import { nodeFileSource } from '../core/validate/nodeFiles';
import { readBounded, refusalDiagnostic } from '../core/fs/boundedRead';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from './command';
import { LIVE_CONNECTION_FLAGS, LIVE_USAGE, liveSummary, readLiveCluster, wantsLive, type LiveRead } from './liveCluster';
import { parseArgs, UsageError } from './resources';
import { safeJson, safeText } from './safeText';

const usage = `Usage: proxmox-iac validate [PATH…] [--format text|json] [--strict] [--live] [connection options]

Checks iac-driver manifests, site-config files (site, secrets, specs, presets, postures, nodes, hosts, envs,
vms), talos-cluster cluster.yaml / nodes.yaml, and NixOS hosts.nix / vms/definitions.nix (evaluated with
nix-instantiate when Nix is installed). Folders are searched recursively; the default is the
current folder. Files the tool does not recognise are skipped.

  --format text   one line per problem: file:line:col severity message (default)
  --format json   {"files": [{"file", "diagnostics": [...]}], "errors", "warnings", "notChecked"}
  --strict        count files that could not be checked as errors (exit 1 instead of 2)
  --live          also check the files against the cluster (see below)

A file is not checked when it is not a regular file (a FIFO, a device, a socket), when it is larger than
2 MiB, or when Nix takes longer than 10 s to evaluate it; each such file gets a diagnostic saying so.

${LIVE_USAGE}

Exit status: 0 no errors and every file checked, 1 errors found, or with a live cluster a file that does
not match it (a VMID conflict, a node or storage the cluster lacks; reported as warnings, as in the editor),
or with --strict a file not checked; 2 could not run (bad arguments, unreadable path, the cluster could not
be read) or a file was not checked.`;

/** Findings of the live checks: the files do not match the cluster they were checked against. */
const LIVE_MISMATCH = new Set([LIVE_VMID_CONFLICT, 'nix-live-node', 'nix-live-storage', 'nix-live-bridge']);

/** Diagnostic codes that mean "this file was not checked", not "this file is fine". */
const NOT_CHECKED = new Set(['too-large', 'unreadable-file', 'nix-timeout']);

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check IaC files (manifests, site-config, talos-cluster) and report problems',
  usage,
  async run(args, io) {
    let options: ValidateArgs;
    try {
      options = parseValidateArgs(args);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.err(`proxmox-iac validate: ${err.message}. Run 'proxmox-iac validate --help'.`);
      return EXIT_USAGE;
    }
    const { format, strict, paths, flags } = options;
    let liveRead: LiveRead | undefined;
    if (wantsLive(flags)) {
      const read = await readLive(flags, io);
      if (typeof read === 'number') return read;
      liveRead = read;
    }
    const files = nodeFileSource();
    const service = createLanguageService(files, {
      env: io.env,
      workspaceRoots: [io.cwd],
      // hosts.nix / vms/definitions.nix through the Nix module (real nix-instantiate, restricted, with a timeout),
      // plugged in as the editor does. The working directory is the CLI's workspace: Nix may read up to the
      // repository, never above it.
      nix: nixSupport(files, [io.cwd]),
    });
    const targets: string[] = [];
    for (const p of paths) {
      const abs = nodePath.resolve(io.cwd, p);
      const st = await stat(abs).catch(() => undefined);
      if (!st) {
        io.err(`proxmox-iac validate: '${p}' does not exist.`);
        return EXIT_USAGE;
      }
      if (st.isDirectory()) await collect(abs, targets, files, service.detectFormat.bind(service));
      else targets.push(abs);
    }
    const results: { file: string; diagnostics: IacDiagnostic[] }[] = [];
    for (const file of targets) {
      if (!service.detectFormat(file)) continue;
      // Only regular files up to 2 MiB are read: a FIFO or a device is named in the output, never opened.
      const read = await readBounded(file);
      if (read.kind === 'refused') {
        results.push({ file, diagnostics: [refusalDiagnostic(display(io.cwd, file), read)] });
        continue;
      }
      if (read.kind === 'missing') {
        io.err(`proxmox-iac validate: cannot read '${file}'.`);
        return EXIT_USAGE;
      }
      results.push({ file, diagnostics: await service.validate(file, read.text, liveRead ? { live: liveRead.live } : {}) });
    }
    const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
    const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'warning').length, 0);
    const notChecked = results.filter((r) => r.diagnostics.some((d) => NOT_CHECKED.has(d.code))).length;
    const liveMismatches = results.reduce((n, r) => n + r.diagnostics.filter((d) => LIVE_MISMATCH.has(d.code)).length, 0);
    if (format === 'json') {
      const live = liveRead ? { live: { url: liveRead.url, guests: liveRead.live.guests.length, nodes: liveRead.live.nodes?.length ?? 0, storages: liveRead.live.storages?.length ?? 0, mismatches: liveMismatches } } : {};
      io.out(safeJson({ files: results.map((r) => ({ file: display(io.cwd, r.file), diagnostics: r.diagnostics })), errors, warnings, notChecked, ...live }));
    } else {
      const lines: string[] = [];
      for (const r of results) {
        const shown = safeText(display(io.cwd, r.file));
        // A message may quote the file or, with --live, name a live guest and its node: one line each, escaped.
        for (const d of r.diagnostics) lines.push(`${shown}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${safeText(d.message)} [${d.code}]`);
      }
      lines.push(`${results.length} file${results.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
      if (notChecked > 0) lines.push(`${notChecked} file${notChecked === 1 ? ' was' : 's were'} not checked (see the warnings above).`);
      if (liveRead) lines.push(liveSummary(liveRead) + (liveMismatches ? ` ${liveMismatches} declaration${liveMismatches === 1 ? ' does' : 's do'} not match it (see the warnings above).` : ''));
      io.out(lines.join('\n'));
    }
    if (errors > 0 || liveMismatches > 0) return EXIT_FAILED;
    // A file nobody could check must not pass a CI gate as if it were clean.
    if (notChecked > 0) return strict ? EXIT_FAILED : EXIT_USAGE;
    return EXIT_OK;
  },
};

interface ValidateArgs {
  readonly format: 'text' | 'json';
  readonly strict: boolean;
  readonly paths: string[];
  /** Connection flags and `live`, for ./liveCluster.ts. */
  readonly flags: Map<string, string>;
}

function parseValidateArgs(args: readonly string[]): ValidateArgs {
  const { flags, positional } = parseArgs(args, ['format', ...LIVE_CONNECTION_FLAGS], ['strict', 'live']);
  const unknown = positional.find((p) => p.startsWith('-') && p !== '-');
  if (unknown) throw new UsageError(`unknown option '${unknown}'`);
  const format = flags.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  return { format, strict: flags.has('strict'), paths: positional.length ? positional : ['.'], flags };
}

/** The live cluster, or the exit code when it cannot be read (nothing is checked then: a CI gate must not pass on half a check). */
async function readLive(flags: Map<string, string>, io: CliIO): Promise<LiveRead | number> {
  try {
    const outcome = await readLiveCluster(flags, io);
    if (outcome.kind === 'failed') {
      io.err(`proxmox-iac validate: ${safeText(outcome.message)}`);
      return EXIT_USAGE;
    }
    if (outcome.read.live.guests.length === 0) {
      io.err('proxmox-iac validate: the cluster listed no guests, so no VMID conflict can be found; if it has guests, the token lacks VM.Audit (grant PVEAuditor on /vms).');
    }
    return outcome.read;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`proxmox-iac validate: ${err.message}. Run 'proxmox-iac validate --help'.`);
    return EXIT_USAGE;
  }
}

/** Paths under the current folder print relative (as compilers do); others absolute. */
function display(cwd: string, file: string): string {
  const rel = nodePath.relative(cwd, file);
  return rel && !rel.startsWith('..') && !nodePath.isAbsolute(rel) ? rel : file;
}

async function collect(dir: string, out: string[], files: ReturnType<typeof nodeFileSource>, detect: (p: string) => unknown, depth = 0): Promise<void> {
  if (depth > 12) return;
  for (const name of (await files.listDir(dir)).sort()) {
    if (name === 'node_modules' || name === '.git') continue;
    const full = nodePath.join(dir, name);
    // stat never opens the file, so a FIFO cannot block here; special files that look like IaC files are
    // kept so the output names them.
    const st = await stat(full).catch(() => undefined);
    if (st?.isDirectory()) await collect(full, out, files, detect, depth + 1);
    else if (st && detect(full)) out.push(full);
  }
}
