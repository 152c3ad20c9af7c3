/**
 * Host-key verification during the handshake: a pinned SHA-256 fingerprint, or the known_hosts entries. An
 * unknown key is trusted only when `confirmHostKey` says so (the connect timer pauses while the user decides),
 * and is then optionally appended to a known_hosts file; a changed or revoked key is always refused.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readIfExists } from './credentials';
import { SshHostKeyMismatchError, SshHostKeyRejectedError, type SshError } from './errors';
import { checkHostKey, fingerprintSha256, formatKnownHostsLine, keyTypeOfBlob, type KnownHostEntry } from './knownHosts';
import type { SshConnectOptions } from './types';

/** What the check found out: why it refused the key, or the key it accepted. */
export interface HostKeyCheckState {
  error?: SshError;
  verified?: { keyType: string; fingerprint: string };
}

/** The connect timer, which must not run while a person compares fingerprints. */
export interface ConnectTimer {
  pause(): void;
  resume(): void;
  /** True once the connection attempt has ended (failed or timed out) meanwhile. */
  settled(): boolean;
}

/** ssh2's host verifier for one connection attempt; results land in `state`. */
export function hostKeyVerifier(
  o: SshConnectOptions,
  host: string,
  port: number,
  pinned: string | undefined,
  knownEntries: readonly KnownHostEntry[],
  timer: ConnectTimer,
  state: HostKeyCheckState,
): (blob: Buffer) => Promise<boolean> {
  return async (blob: Buffer): Promise<boolean> => {
    const keyType = keyTypeOfBlob(blob);
    const fingerprint = fingerprintSha256(blob);
    const presented = { keyType, fingerprint };
    if (pinned) {
      if (fingerprint === pinned) {
        state.verified = presented;
        return true;
      }
      state.error = new SshHostKeyMismatchError(host, port, [{ keyType: 'pinned key', fingerprint: pinned, source: 'connection settings' }], presented);
      return false;
    }
    const check = checkHostKey(knownEntries, host, port, blob);
    const sourceOf = (e: KnownHostEntry) => `${e.source ?? 'known_hosts'} line ${e.line}`;
    switch (check.status) {
      case 'known':
        state.verified = presented;
        return true;
      case 'revoked':
        state.error = new SshHostKeyRejectedError(host, port, presented, `it is marked @revoked in ${sourceOf(check.entry)}.`);
        return false;
      case 'mismatch':
        state.error = new SshHostKeyMismatchError(
          host,
          port,
          check.expected.map((e) => ({ keyType: e.keyType, fingerprint: fingerprintSha256(e.key), source: sourceOf(e) })),
          presented,
        );
        return false;
      case 'unknown': {
        if (!o.confirmHostKey) {
          state.error = new SshHostKeyRejectedError(host, port, presented, 'it is not in known_hosts and there was no way to ask whether to trust it.');
          return false;
        }
        // A person may take a while to compare fingerprints: that time does not count against the timeout.
        timer.pause();
        const accepted = await o.confirmHostKey({ host, port, keyType, fingerprint, otherKnownKeyTypes: check.otherTypes.map((e) => e.keyType) });
        if (timer.settled()) return false;
        timer.resume();
        if (!accepted) {
          state.error = new SshHostKeyRejectedError(host, port, presented, 'you chose not to trust it.');
          return false;
        }
        if (o.knownHostsWriteFile) {
          await mkdir(dirname(o.knownHostsWriteFile), { recursive: true, mode: 0o700 });
          // Never glue our entry onto a last line that lacks its newline.
          const existing = (await readIfExists(o.knownHostsWriteFile)) ?? '';
          const separator = existing && !existing.endsWith('\n') ? '\n' : '';
          await appendFile(o.knownHostsWriteFile, `${separator}${formatKnownHostsLine(host, port, blob, { hash: o.hashKnownHosts })}\n`, { mode: 0o600 });
        }
        state.verified = presented;
        return true;
      }
    }
  };
}
