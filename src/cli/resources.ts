/**
 * `proxmox-iac resources`: the cluster's nodes, guests, storage and pools in one `/cluster/resources` call.
 * Also home of the connection flags shared by `agent` and `task` (URL, token id, secret from a file or the
 * environment — never from the command line, fingerprint, output format).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from './command';
import { PveClient } from '../core/pve/client';
import { PveError, UntrustedCertificateError } from '../core/pve/errors';
import { normalizeFingerprint, probeCertificate } from '../core/pve/tls';
import type { ClusterSnapshot } from '../core/pve/types';
import { safeJson, safeText } from './safeText';

export class UsageError extends Error {}

export const CONNECTION_USAGE = `Connection (flags win over environment variables):
  --url URL              https://HOST:8006            env PROXMOX_IAC_URL
  --token-id ID          user@realm!tokenid           env PROXMOX_IAC_TOKEN_ID
  --token-file FILE      file holding the token secret env PROXMOX_IAC_TOKEN (the secret itself)
  --fingerprint FP       trust this SHA-256 certificate fingerprint (AA:BB:…)  env PROXMOX_IAC_FINGERPRINT
  --timeout SECONDS      per-request timeout (default 30)
  --format json|table    output format (default json)`;

export interface ParsedArgs {
  readonly flags: Map<string, string>;
  readonly positional: string[];
}

/** `--name value` / `--name=value` flags; `booleans` take no value. */
export function parseArgs(args: readonly string[], known: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.includes(name)) {
      flags.set(name, 'true');
      continue;
    }
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, positional };
}

export const CONNECTION_FLAGS = ['url', 'token-id', 'token-file', 'fingerprint', 'timeout', 'format'];

export function outputFormat(flags: Map<string, string>): 'json' | 'table' {
  const f = flags.get('format') ?? 'json';
  if (f !== 'json' && f !== 'table') throw new UsageError(`--format must be json or table, not '${f}'`);
  return f;
}

/** Builds a client from flags and environment; throws UsageError for anything missing or malformed. */
export function clientFromArgs(flags: Map<string, string>, io: CliIO): PveClient {
  const url = flags.get('url') ?? io.env.PROXMOX_IAC_URL;
  if (!url) throw new UsageError('no server given: pass --url https://HOST:8006 or set PROXMOX_IAC_URL');
  let tokenId = flags.get('token-id') ?? io.env.PROXMOX_IAC_TOKEN_ID;
  let secret: string | undefined;
  const file = flags.get('token-file');
  if (file !== undefined) {
    try {
      secret = readFileSync(resolve(io.cwd, file), 'utf8').trim();
    } catch (err) {
      throw new UsageError(`cannot read the token file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  } else {
    secret = io.env.PROXMOX_IAC_TOKEN;
  }
  if (!secret) throw new UsageError('no token secret: pass --token-file FILE or set PROXMOX_IAC_TOKEN');
  // A file may hold the full `user@realm!id=secret` form.
  const full = /^([^=\s]+![^=\s]+)=(\S+)$/.exec(secret);
  if (full) {
    tokenId ??= full[1];
    secret = full[2]!;
  }
  if (!tokenId) throw new UsageError('no token id: pass --token-id user@realm!tokenid or set PROXMOX_IAC_TOKEN_ID');
  if (!tokenId.includes('!')) throw new UsageError(`the token id '${tokenId}' must look like user@realm!tokenid`);
  const fp = flags.get('fingerprint') ?? io.env.PROXMOX_IAC_FINGERPRINT;
  if (fp !== undefined && !normalizeFingerprint(fp)) throw new UsageError(`'${fp}' is not a SHA-256 fingerprint (32 hex bytes, AA:BB:…)`);
  const timeout = flags.get('timeout');
  const timeoutMs = timeout === undefined ? undefined : Number(timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError('--timeout takes a positive number of seconds');
  try {
    return new PveClient(
      { url, user: tokenId, auth: 'token', ...(fp ? { fingerprint: normalizeFingerprint(fp)! } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
      secret,
    );
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Runs a command body with the shared error handling: usage → 2, PveError → 1 with its message. */
export async function runWithClient(name: string, io: CliIO, body: () => Promise<number>, urlOf: () => string | undefined = () => undefined): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`proxmox-iac ${name}: ${safeText(err.message)}. Run 'proxmox-iac ${name} --help'.`);
      return EXIT_USAGE;
    }
    const message = await clientErrorMessage(err, urlOf());
    if (message === undefined) throw err;
    // The server's own error text is part of the message.
    io.err(`proxmox-iac ${name}: ${safeText(message)}`);
    return EXIT_FAILED;
  }
}

/**
 * The sentence for a failed API call (what failed and what to do), or undefined when `err` is not one. An
 * untrusted certificate gets the fingerprint the server presents, to compare and pass with --fingerprint.
 */
export async function clientErrorMessage(err: unknown, url: string | undefined): Promise<string | undefined> {
  if (err instanceof UntrustedCertificateError && url) {
    let hint = '';
    try {
      const info = await probeCertificate(url, { timeoutMs: 5000 });
      hint = ` The server presents ${info.fingerprint} (${info.subject}); if that matches \`pvenode cert info\` on the node, pass --fingerprint ${info.fingerprint}.`;
    } catch {
      // The original error already explains the problem.
    }
    return `${err.message}${hint}`;
  }
  return err instanceof PveError ? err.message : undefined;
}

/** Fixed-width columns, header first. Cells are mostly the server's text: each is shown on one line, escaped. */
export function table(headers: readonly string[], cellRows: readonly (readonly string[])[]): string {
  const rows = cellRows.map((r) => r.map(safeText));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)}G`;
}

export function resourcesTable(s: ClusterSnapshot): string {
  const guests = [...s.guests].sort((a, b) => a.vmid - b.vmid);
  const parts = [
    table(
      ['VMID', 'NAME', 'TYPE', 'NODE', 'STATUS', 'MEM', 'TAGS'],
      guests.map((g) => [String(g.vmid), g.name, g.template ? `${g.type} (template)` : g.type, g.node, g.lock ? `${g.status} (lock: ${g.lock})` : g.status, gib(g.maxmem), g.tags.join(',')]),
    ),
    '',
    table(['NODE', 'STATUS', 'CPUS', 'MEM'], s.nodes.map((n) => [n.node, n.status, n.maxcpu === undefined ? '?' : String(n.maxcpu), n.maxmem === undefined ? '?' : gib(n.maxmem)])),
  ];
  if (s.guests.length === 0) parts.push('', 'No guests visible. This can also mean the token lacks VM.Audit (grant PVEAuditor on /vms).');
  return parts.join('\n');
}

export const resourcesCommand: CliCommand = {
  name: 'resources',
  summary: 'List the cluster\'s nodes, guests, storage and pools (one API call)',
  usage: `Usage: proxmox-iac resources [--type vm|node|storage] [connection options]

Prints what GET /cluster/resources returns, as the extension's model: nodes, guests (VMs and containers,
with tags, pool, lock and template flags), storage and pools. Rows you lack privileges for are missing.

${CONNECTION_USAGE}

Exit status: 0 listed, 1 the call failed (the message says why and how to fix it), 2 usage error.`,
  run(args, io) {
    let url: string | undefined;
    return runWithClient(
      'resources',
      io,
      async () => {
        const { flags, positional } = parseArgs(args, [...CONNECTION_FLAGS, 'type']);
        if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
        const format = outputFormat(flags);
        const type = flags.get('type');
        if (type !== undefined && !['vm', 'node', 'storage'].includes(type)) throw new UsageError(`--type must be vm, node or storage, not '${type}'`);
        const client = clientFromArgs(flags, io);
        url = client.target.url;
        let snapshot = await client.clusterResources();
        if (type === 'vm') snapshot = { ...snapshot, nodes: [], storages: [], pools: [] };
        if (type === 'node') snapshot = { ...snapshot, guests: [], storages: [], pools: [] };
        if (type === 'storage') snapshot = { ...snapshot, guests: [], nodes: [], pools: [] };
        io.out(format === 'json' ? safeJson(snapshot) : resourcesTable(snapshot));
        return EXIT_OK;
      },
      () => url,
    );
  },
};
