/**
 * One SSH connection to a Proxmox node (or any OpenSSH server), built on `ssh2`.
 *
 * - Authentication: ssh-agent first (SSH_AUTH_SOCK by default), then each key file; encrypted keys ask the
 *   injected `passphrase` callback.
 * - Host keys: a pinned SHA-256 fingerprint, or the known_hosts files (hashed and plain entries, `[host]:port`).
 *   An unknown key is trusted only when `confirmHostKey` says so (and is then optionally appended to a
 *   known_hosts file the caller names); a changed key is always refused with `SshHostKeyMismatchError`.
 * - Commands are argument vectors; every argument is single-quoted (quote.ts), so names from files never
 *   become shell syntax. Output streams to callbacks; cancellation and timeouts kill the remote command.
 *
 * `ssh2` is imported lazily inside `connect`, so loading this module (e.g. at extension activation) costs nothing.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AgentAuthMethod, Client, ClientChannel, PublicKeyAuthMethod, SFTPWrapper } from 'ssh2';
import {
  SshAuthError,
  SshCancelledError,
  SshCommandFailedError,
  SshConnectionLostError,
  SshError,
  SshHostKeyMismatchError,
  SshHostKeyRejectedError,
  SshProtocolError,
  SshTimeoutError,
  SshUnreachableError,
} from './errors';
import {
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  keyTypeOfBlob,
  knownKeyTypesFor,
  normalizeFingerprint,
  type KnownHostEntry,
} from './knownHosts';
import { buildRemoteCommand } from './quote';
import { defaultAgent, defaultKnownHostsFiles, hostKeyAlgorithmsPreferring, loadIdentities, loadKnownHosts, readIfExists, type Ssh2Module } from './credentials';
import { KILL_ON_CLOSE_SCRIPT, sendKillSignal, UNREACHABLE_CODES } from './remoteKill';
import type { ExecOptions, ExecResult, RunResult, SshConnectOptions, UploadOptions } from './types';

export type { ExecOptions, ExecResult, HostKeyInfo, RunResult, SshConnectOptions, UploadOptions } from './types';

let ssh2Promise: Promise<Ssh2Module> | undefined;
/** Loads ssh2 on first use only (it is large and pulls in crypto code the extension rarely needs). */
function loadSsh2(): Promise<Ssh2Module> {
  // ssh2 is CommonJS: under Node's ESM loader its exports sit on `default`, in bundles directly on the module.
  ssh2Promise ??= import('ssh2').then((m) => (m as unknown as { default?: Ssh2Module }).default ?? m);
  return ssh2Promise;
}
export class SshSession {
  private closed = false;
  private closing = false;
  private lastError: SshError | undefined;
  private readonly pending = new Set<(err: SshError) => void>();

  private constructor(
    private readonly client: Client,
    readonly host: string,
    readonly port: number,
    /** The host key the server presented, as verified. */
    readonly hostKey: { keyType: string; fingerprint: string },
  ) {}

  /** Opens and authenticates a connection. Throws an `SshError` subclass on failure. */
  static async connect(o: SshConnectOptions): Promise<SshSession> {
    const host = o.host;
    const port = o.port ?? 22;
    const cancelled = () => new SshCancelledError(host, port, 'Connecting');
    if (o.signal?.aborted) throw cancelled();
    const ssh2 = await loadSsh2();
    const keys = await loadIdentities(ssh2, o, port);
    if (o.signal?.aborted) throw cancelled();

    const pinned = o.pinnedHostKey === undefined ? undefined : normalizeFingerprint(o.pinnedHostKey);
    if (o.pinnedHostKey !== undefined && !pinned) {
      throw new SshHostKeyRejectedError(host, port, { keyType: 'unknown', fingerprint: o.pinnedHostKey }, 'the pinned fingerprint is not a SHA256 fingerprint.');
    }
    const knownHostsFiles = o.knownHostsFiles ?? defaultKnownHostsFiles();
    const knownEntries = pinned ? [] : await loadKnownHosts(knownHostsFiles);

    const agent = o.agent === undefined ? defaultAgent() : o.agent || undefined;
    const methods: { label: string; method: AgentAuthMethod | PublicKeyAuthMethod }[] = [];
    if (agent) methods.push({ label: 'ssh-agent', method: { type: 'agent', username: o.username, agent } });
    for (const k of keys) {
      methods.push({
        label: `key ${k.file}`,
        method: { type: 'publickey', username: o.username, key: k.key },
      });
    }
    const tried: string[] = [];

    const client = new ssh2.Client();
    const connectTimeoutMs = o.connectTimeoutMs ?? 15_000;

    return new Promise<SshSession>((resolve, reject) => {
      let settled = false;
      let hostKeyError: SshError | undefined;
      let verified: { keyType: string; fingerprint: string } | undefined;
      let timer: NodeJS.Timeout | undefined;
      let session: SshSession | undefined;

      const fail = (err: SshError) => {
        if (settled) return;
        settled = true;
        cleanup();
        client.end();
        client.destroy();
        reject(err);
      };
      const startTimer = () => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(new SshTimeoutError(host, port, 'connect', connectTimeoutMs)), connectTimeoutMs);
      };
      const onAbort = () => fail(cancelled());
      const cleanup = () => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });

      const verifyHostKey = async (blob: Buffer): Promise<boolean> => {
        const keyType = keyTypeOfBlob(blob);
        const fingerprint = fingerprintSha256(blob);
        const presented = { keyType, fingerprint };
        if (pinned) {
          if (fingerprint === pinned) {
            verified = presented;
            return true;
          }
          hostKeyError = new SshHostKeyMismatchError(host, port, [{ keyType: 'pinned key', fingerprint: pinned, source: 'connection settings' }], presented);
          return false;
        }
        const check = checkHostKey(knownEntries, host, port, blob);
        const sourceOf = (e: KnownHostEntry) => `${e.source ?? 'known_hosts'} line ${e.line}`;
        switch (check.status) {
          case 'known':
            verified = presented;
            return true;
          case 'revoked':
            hostKeyError = new SshHostKeyRejectedError(host, port, presented, `it is marked @revoked in ${sourceOf(check.entry)}.`);
            return false;
          case 'mismatch':
            hostKeyError = new SshHostKeyMismatchError(
              host,
              port,
              check.expected.map((e) => ({ keyType: e.keyType, fingerprint: fingerprintSha256(e.key), source: sourceOf(e) })),
              presented,
            );
            return false;
          case 'unknown': {
            if (!o.confirmHostKey) {
              hostKeyError = new SshHostKeyRejectedError(host, port, presented, 'it is not in known_hosts and there was no way to ask whether to trust it.');
              return false;
            }
            // A person may take a while to compare fingerprints: that time does not count against the timeout.
            clearTimeout(timer);
            const accepted = await o.confirmHostKey({ host, port, keyType, fingerprint, otherKnownKeyTypes: check.otherTypes.map((e) => e.keyType) });
            if (settled) return false;
            startTimer();
            if (!accepted) {
              hostKeyError = new SshHostKeyRejectedError(host, port, presented, 'you chose not to trust it.');
              return false;
            }
            if (o.knownHostsWriteFile) {
              await mkdir(dirname(o.knownHostsWriteFile), { recursive: true, mode: 0o700 });
              // Never glue our entry onto a last line that lacks its newline.
              const existing = (await readIfExists(o.knownHostsWriteFile)) ?? '';
              const separator = existing && !existing.endsWith('\n') ? '\n' : '';
              await appendFile(o.knownHostsWriteFile, `${separator}${formatKnownHostsLine(host, port, blob, { hash: o.hashKnownHosts })}\n`, { mode: 0o600 });
            }
            verified = presented;
            return true;
          }
        }
      };

      client.on('ready', () => {
        if (settled) {
          client.end();
          return;
        }
        settled = true;
        cleanup();
        session = new SshSession(client, host, port, verified!);
        const opened = session;
        client.on('close', () => opened.markClosed(o.onClose));
        resolve(session);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (session) {
          // After the handshake: remember why the connection broke, for onClose and pending commands.
          session.lastError =
            err.level === 'client-timeout'
              ? new SshTimeoutError(host, port, 'keepalive', (o.keepaliveIntervalMs ?? 15_000) * (o.keepaliveCountMax ?? 3))
              : new SshConnectionLostError(host, port, err.message, { cause: err });
          return;
        }
        if (settled) return;
        // ssh2 reports a dead or refusing agent and then goes on with the next method: note it, do not fail.
        if (err.level === 'agent') {
          const label = tried.indexOf('ssh-agent');
          if (label >= 0) tried[label] = `ssh-agent (${err.message})`;
          return;
        }
        if (hostKeyError) return fail(hostKeyError);
        if (err.level === 'client-authentication') return fail(new SshAuthError(host, port, o.username, tried, { cause: err }));
        if (err.level === 'client-timeout') return fail(new SshTimeoutError(host, port, 'connect', connectTimeoutMs));
        if (err.code && UNREACHABLE_CODES.has(err.code) && !verified) return fail(new SshUnreachableError(host, port, err.code, { cause: err }));
        fail(new SshProtocolError(host, port, `${err.message}.`, { cause: err }));
      });
      client.on('close', () => {
        if (hostKeyError) fail(hostKeyError);
        else fail(new SshConnectionLostError(host, port, 'closed during the handshake'));
      });

      startTimer();
      try {
        client.connect({
          host,
          port,
          username: o.username,
          readyTimeout: 0, // our own timer, which pauses while the user decides about a host key
          keepaliveInterval: o.keepaliveIntervalMs ?? 15_000,
          keepaliveCountMax: o.keepaliveCountMax ?? 3,
          algorithms: { serverHostKey: hostKeyAlgorithmsPreferring(pinned ? (o.pinnedHostKeyType ? [o.pinnedHostKeyType] : []) : knownKeyTypesFor(knownEntries, host, port)) as never },
          hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
            verifyHostKey(key).then(verify, (err: unknown) => {
              hostKeyError = new SshProtocolError(host, port, `checking the host key failed: ${(err as Error).message}`, { cause: err });
              verify(false);
            });
          },
          authHandler: (_left, _partial, next) => {
            const m = methods[tried.length];
            if (!m) return next(false as never);
            tried.push(m.label);
            next(m.method);
          },
        });
      } catch (err) {
        fail(new SshProtocolError(host, port, (err as Error).message, { cause: err }));
      }
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private markClosed(onClose: SshConnectOptions['onClose']): void {
    if (this.closed) return;
    this.closed = true;
    const err = this.lastError ?? new SshConnectionLostError(this.host, this.port, this.closing ? 'it was closed' : 'the server closed it');
    for (const p of [...this.pending]) p(err);
    onClose?.(this.closing && !this.lastError ? undefined : err);
  }

  private ensureOpen(): void {
    if (this.closed) throw new SshConnectionLostError(this.host, this.port, 'it is already closed');
  }

  /**
   * Runs `argv` on the server. Every element is quoted, so it reaches the program verbatim whatever it contains.
   * Resolves with the exit status (a non-zero status is not an error); rejects with `SshCancelledError`,
   * `SshTimeoutError` or `SshConnectionLostError`.
   */
  exec(argv: readonly string[], o: ExecOptions = {}): Promise<ExecResult> {
    // Cancellable commands without stdin run under the kill-on-close wrapper; with stdin in use we can only ask
    // sshd for a signal (works for non-root users) and close the channel.
    const cancellable = o.stdin === undefined && (o.signal !== undefined || o.timeoutMs !== undefined);
    const direct = buildRemoteCommand(argv); // validates argv in both cases
    const command = cancellable ? buildRemoteCommand(['sh', '-c', KILL_ON_CLOSE_SCRIPT, 'sh', ...argv]) : direct;
    this.ensureOpen();
    if (o.signal?.aborted) return Promise.reject(new SshCancelledError(this.host, this.port, `The command ${argv[0]}`));
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      let channel: ClientChannel | undefined;
      let exit: ExecResult | undefined;
      let stopError: SshError | undefined;
      let timer: NodeJS.Timeout | undefined;
      let killTimer: NodeJS.Timeout | undefined;

      const finish = (err?: SshError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(killTimer);
        o.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(finish);
        if (err) reject(err);
        else resolve(exit ?? { code: null, signal: null });
      };
      // Ask sshd to SIGKILL the command (OpenSSH >= 7.9 honours "signal" requests), then close the channel,
      // which also ends commands that ignore signals once their output pipe breaks.
      const stop = (err: SshError) => {
        if (stopError || settled) return;
        stopError = err;
        if (!channel) return; // the channel is not open yet; the exec callback will see stopError
        if (!cancellable) sendKillSignal(channel);
        channel.close();
        // Do not wait forever for a server that does not confirm the close.
        killTimer = setTimeout(() => finish(err), 2_000);
      };
      const onAbort = () => stop(new SshCancelledError(this.host, this.port, `The command ${argv[0]}`));
      o.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(finish);
      if (o.timeoutMs !== undefined) {
        timer = setTimeout(() => stop(new SshTimeoutError(this.host, this.port, 'command', o.timeoutMs!)), o.timeoutMs);
      }

      this.client.exec(command, (err, stream) => {
        if (err) return finish(new SshProtocolError(this.host, this.port, `the server refused to run ${argv[0]} (${err.message}).`, { cause: err }));
        channel = stream;
        if (stopError) {
          const pendingStop = stopError;
          stopError = undefined;
          stop(pendingStop);
        }
        stream.on('data', (d: Buffer) => o.onStdout?.(d));
        stream.stderr.on('data', (d: Buffer) => o.onStderr?.(d));
        stream.on('exit', (code: number | null, signalName?: string) => {
          exit = { code: typeof code === 'number' ? code : null, signal: signalName ?? null };
        });
        stream.on('close', () => finish(stopError));
        if (cancellable) return; // stdin stays open: its EOF is the wrapper's signal to kill the command
        if (o.stdin === undefined) stream.end();
        else if (typeof o.stdin === 'string' || Buffer.isBuffer(o.stdin)) stream.end(o.stdin);
        else o.stdin.pipe(stream);
      });
    });
  }

  /** `exec` that also collects output as UTF-8 text (for short outputs such as `qm status` or `pvesh get`). */
  async run(argv: readonly string[], o: Omit<ExecOptions, 'onStdout' | 'onStderr'> = {}): Promise<RunResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const result = await this.exec(argv, { ...o, onStdout: (d) => out.push(d), onStderr: (d) => err.push(d) });
    return { ...result, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  /**
   * `run` that throws `SshCommandFailedError` (with the output) unless the command exits 0 — for `qm`/`pvesh`
   * calls whose failure should reach the user as one sentence with the tool's own error text.
   */
  async runChecked(argv: readonly string[], o: Omit<ExecOptions, 'onStdout' | 'onStderr'> = {}): Promise<RunResult> {
    const result = await this.run(argv, o);
    if (result.code !== 0) {
      // Program and subcommand (and a pvesh API path) only: other arguments may be secrets.
      const named = argv[0] === 'pvesh' ? argv.slice(0, 3) : argv.slice(0, 2);
      const command = named.filter((a) => !a.startsWith('-') && !/^\d+$/.test(a)).join(' ');
      throw new SshCommandFailedError(this.host, this.port, command, result.code, result.signal, result.stdout, result.stderr);
    }
    return result;
  }

  private openSftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        if (err) reject(new SshProtocolError(this.host, this.port, `the SFTP subsystem is not available (${err.message}). Enable "Subsystem sftp" in sshd_config.`, { cause: err }));
        else resolve(sftp);
      });
    });
  }

  /**
   * Uploads a local file over SFTP. The data goes to a temporary name next to the target and is renamed into
   * place once complete and size-checked, so a cancelled or failed upload never leaves a half file under the
   * real name.
   */
  async upload(localPath: string, remotePath: string, o: UploadOptions = {}): Promise<{ bytes: number }> {
    this.ensureOpen();
    const what = `Uploading ${localPath}`;
    if (o.signal?.aborted) throw new SshCancelledError(this.host, this.port, what);
    const total = (await stat(localPath)).size;
    const sftp = await this.openSftp();
    const partPath = `${remotePath}.part-${randomBytes(4).toString('hex')}`;
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      sftp.end(); // fails the outstanding writes, which ends fastPut with an error
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      o.onProgress?.(0, total);
      await new Promise<void>((resolve, reject) => {
        sftp.fastPut(
          localPath,
          partPath,
          { mode: o.mode ?? 0o644, concurrency: 32, chunkSize: 64 * 1024, step: (done) => o.onProgress?.(done, total) },
          (err) => (err ? reject(err) : resolve()),
        );
      });
      const remoteSize = await new Promise<number>((resolve, reject) =>
        sftp.stat(partPath, (err, attrs) => (err ? reject(err) : resolve(attrs.size))),
      );
      if (remoteSize !== total) {
        throw new SshProtocolError(this.host, this.port, `the uploaded file has ${remoteSize} bytes instead of ${total}. Check free space on the server and retry.`);
      }
      await new Promise<void>((resolve, reject) => sftp.ext_openssh_rename(partPath, remotePath, (err) => (err ? reject(err) : resolve())));
      o.onProgress?.(total, total);
      return { bytes: total };
    } catch (err) {
      if (aborted) {
        await this.removeQuietly(partPath);
        throw new SshCancelledError(this.host, this.port, what);
      }
      if (!this.closed) await new Promise<void>((r) => sftp.unlink(partPath, () => r()));
      if (err instanceof SshError) throw err;
      if (this.closed) throw new SshConnectionLostError(this.host, this.port, 'during the upload', { cause: err });
      throw new SshProtocolError(this.host, this.port, `uploading to ${remotePath} failed: ${(err as Error).message}. Check the path and permissions on the server.`, { cause: err });
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      if (!aborted) sftp.end();
    }
  }

  /** Best-effort removal of a partial upload on a fresh SFTP channel (the old one was closed to cancel). */
  private async removeQuietly(path: string): Promise<void> {
    if (this.closed) return;
    try {
      const sftp = await this.openSftp();
      await new Promise<void>((r) => sftp.unlink(path, () => r()));
      sftp.end();
    } catch {
      // The partial file stays; its name says what it is.
    }
  }

  /** Closes the connection; running commands end with `SshConnectionLostError`. */
  close(): void {
    this.closing = true;
    this.client.end();
  }
}
