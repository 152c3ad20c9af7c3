/**
 * `validate --live`: the cluster's guests, nodes and storages, read once with the same connection options as
 * `resources` (URL, token ID, secret from a file or PROXMOX_IAC_TOKEN — never from the command line,
 * fingerprint, timeout), as the validator's `live` option. Built by the same core function the extension uses.
 */
import type { CliIO } from './command';
import { clientErrorMessage, clientFromArgs } from './resources';
import { AuthenticationError } from '../core/pve/errors';
import type { LiveCluster } from '../core/validate/api';
import { liveClusterOf, liveInventoryOf } from '../core/validate/liveCluster';
import type { LiveInventory } from '../core/iac/types';
import type { PveClient } from '../core/pve/client';
import type { ClusterSnapshot } from '../core/pve/types';

/** The connection flags `validate` takes (its own `--format` is text|json, so not `resources`' list). */
export const LIVE_CONNECTION_FLAGS = ['url', 'token-id', 'token-file', 'fingerprint', 'timeout'];

export const LIVE_USAGE = `Live cluster (--live, or any of these flags; flags win over environment variables):
  --url URL              https://HOST:8006            env PROXMOX_IAC_URL
  --token-id ID          user@realm!tokenid           env PROXMOX_IAC_TOKEN_ID
  --token-file FILE      file holding the token secret env PROXMOX_IAC_TOKEN (the secret itself)
  --fingerprint FP       trust this SHA-256 certificate fingerprint (AA:BB:…)  env PROXMOX_IAC_FINGERPRINT
  --timeout SECONDS      per-request timeout (default 30)

With a live cluster, one GET /cluster/resources is made before any file is checked, and:
  - a VMID that a manifest, hosts.nix, vms/definitions.nix or talos nodes.yaml declares for one guest while
    a live guest of another name has it is reported, naming that guest and its node (templates may share a
    VMID with a live template; imported definitions.nix entries document existing guests and are not flagged);
  - hosts.nix _proxmox.node, _proxmox.defaultStorage and each host's proxmox.storage must exist on the cluster.
The token needs Sys.Audit, VM.Audit and Datastore.Audit (the PVEAuditor role) to see every guest and storage.`;

export interface LiveRead {
  readonly live: LiveCluster;
  readonly url: string;
}

export type LiveOutcome = { readonly kind: 'ok'; readonly read: LiveRead } | { readonly kind: 'failed'; readonly message: string };

/** Whether the arguments ask for live checks: `--live`, or any connection flag given on the command line. */
export function wantsLive(flags: ReadonlyMap<string, string>): boolean {
  return flags.has('live') || LIVE_CONNECTION_FLAGS.some((f) => flags.has(f));
}

/**
 * Reads the cluster once. Throws UsageError for missing or malformed connection settings; a failed call
 * comes back as one message saying what failed and what to do.
 */
export async function readLiveCluster(flags: Map<string, string>, io: CliIO): Promise<LiveOutcome> {
  const client = clientFromArgs(flags, io);
  const url = client.target.url;
  try {
    const snapshot = await client.clusterResources();
    return { kind: 'ok', read: { live: liveClusterOf(snapshot, liveInventoryOf(snapshot, await bridgesOf(client, snapshot))), url } };
  } catch (err) {
    const reason = await clientErrorMessage(err, url);
    if (reason === undefined) throw err;
    const credentials =
      err instanceof AuthenticationError ? ' Here the secret comes from --token-file or PROXMOX_IAC_TOKEN and its ID from --token-id or PROXMOX_IAC_TOKEN_ID.' : '';
    return {
      kind: 'failed',
      message:
        `--live could not list the cluster's guests, nodes and storages (GET /cluster/resources on ${url}): ${reason}${credentials} ` +
        'No file was checked: fix the connection, or leave out --live and the connection options to check the files without the cluster.',
    };
  }
}

/** One line for the text output: what the files were checked against. */
export function liveSummary(read: LiveRead): string {
  const { guests, nodes = [], storages = [] } = read.live;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `Checked against the live cluster at ${read.url}: ${plural(guests.length, 'guest')} on ${plural(nodes.length, 'node')}, ${plural(storages.length, 'storage')}.`;
}

/**
 * Each online node's bridges, as the extension reads them (src/vscode/diagnostics/nodeBridges.ts): a node
 * whose bridges cannot be read (no Sys.Audit, unreachable) is left out, so its hosts' bridges are not checked.
 */
async function bridgesOf(client: PveClient, snapshot: ClusterSnapshot): Promise<LiveInventory['bridges']> {
  const online = snapshot.nodes.filter((n) => n.status !== 'offline').map((n) => n.node);
  const lists = await Promise.all(online.map((node) => client.bridges(node).then((list) => [node, list.map((b) => b.iface)] as const, () => undefined)));
  const read = lists.filter((x) => x !== undefined);
  return read.length ? Object.fromEntries(read) : undefined;
}
