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
import type { AgentAuthMethod, Client, PublicKeyAuthMethod } from 'ssh2';
import {
  SshAuthError,
  SshCommandFailedError,
  SshConnectionLostError,
  SshError,
  SshHostKeyRejectedError,
  SshProtocolError,
  SshTimeoutError,
  SshUnreachableError,
  SshCancelledError,
} from './errors';
import { knownKeyTypesFor, normalizeFingerprint } from './knownHosts';
import { defaultAgent, defaultKnownHostsFiles, hostKeyAlgorithmsPreferring, loadIdentities, loadKnownHosts, type Ssh2Module } from './credentials';
import { hostKeyVerifier, type HostKeyCheckState } from './hostKeyVerifier';
import { execOnConnection, type ConnectionHandle } from './remoteExec';
import { UNREACHABLE_CODES } from './remoteKill';
import { uploadOverSftp } from './sftpUpload';
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
  /** What commands and uploads (remoteExec.ts, sftpUpload.ts) use of this session. */
  private readonly handle: ConnectionHandle;

  private constructor(
    private readonly client: Client,
    readonly host: string,
    readonly port: number,
    /** The host key the server presented, as verified. */
    readonly hostKey: { keyType: string; fingerprint: string },
  ) {
    this.handle = { client, host, port, pending: this.pending, ensureOpen: () => this.ensureOpen(), isClosed: () => this.closed };
  }

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
      const check: HostKeyCheckState = {};
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

      const verifyHostKey = hostKeyVerifier(o, host, port, pinned, knownEntries, { pause: () => clearTimeout(timer), resume: startTimer, settled: () => settled }, check);

      client.on('ready', () => {
        if (settled) {
          client.end();
          return;
        }
        settled = true;
        cleanup();
        session = new SshSession(client, host, port, check.verified!);
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
        if (check.error) return fail(check.error);
        if (err.level === 'client-authentication') return fail(new SshAuthError(host, port, o.username, tried, { cause: err }));
        if (err.level === 'client-timeout') return fail(new SshTimeoutError(host, port, 'connect', connectTimeoutMs));
        if (err.code && UNREACHABLE_CODES.has(err.code) && !check.verified) return fail(new SshUnreachableError(host, port, err.code, { cause: err }));
        fail(new SshProtocolError(host, port, `${err.message}.`, { cause: err }));
      });
      client.on('close', () => {
        if (check.error) fail(check.error);
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
              check.error = new SshProtocolError(host, port, `checking the host key failed: ${(err as Error).message}`, { cause: err });
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
    return execOnConnection(this.handle, argv, o);
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

  /**
   * Uploads a local file over SFTP. The data goes to a temporary name next to the target and is renamed into
   * place once complete and size-checked, so a cancelled or failed upload never leaves a half file under the
   * real name.
   */
  upload(localPath: string, remotePath: string, o: UploadOptions = {}): Promise<{ bytes: number }> {
    return uploadOverSftp(this.handle, localPath, remotePath, o);
  }

  /** Closes the connection; running commands end with `SshConnectionLostError`. */
  close(): void {
    this.closing = true;
    this.client.end();
  }
}
