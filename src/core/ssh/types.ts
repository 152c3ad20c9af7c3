/** The options and results of an SSH session (session.ts), kept apart so callers can import them without ssh2. */
import type { Readable } from 'node:stream';
import type { SshError } from './errors';

export interface HostKeyInfo {
  readonly host: string;
  readonly port: number;
  /** e.g. "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa". */
  readonly keyType: string;
  /** "SHA256:…" as OpenSSH prints it. */
  readonly fingerprint: string;
  /** Key types already known for this host (non-empty means the server now offers a different type). */
  readonly otherKnownKeyTypes: readonly string[];
}

export interface SshConnectOptions {
  readonly host: string;
  readonly port?: number;
  readonly username: string;
  /** Private key files to try, in order. Default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa (those that exist). */
  readonly identityFiles?: readonly string[];
  /** Asked for each encrypted key file; return undefined to skip that key. */
  readonly passphrase?: (file: string) => Promise<string | undefined>;
  /** ssh-agent socket; default SSH_AUTH_SOCK; `false` to not use an agent. */
  readonly agent?: string | false;
  /** Accept only this host key ("SHA256:…" from `ssh-keygen -lf`); known_hosts is then not consulted. */
  readonly pinnedHostKey?: string;
  /** Type of the pinned key (e.g. "ecdsa-sha2-nistp256"), so a server with several keys presents that one. */
  readonly pinnedHostKeyType?: string;
  /** known_hosts files to trust. Default: ~/.ssh/known_hosts. */
  readonly knownHostsFiles?: readonly string[];
  /** Asked before trusting a host key that no known_hosts file lists. Without it, unknown keys are refused. */
  readonly confirmHostKey?: (info: HostKeyInfo) => Promise<boolean>;
  /** Append keys the user accepted to this known_hosts file (created if missing). */
  readonly knownHostsWriteFile?: string;
  /** Write accepted entries with a hashed host name, like `HashKnownHosts yes`. */
  readonly hashKnownHosts?: boolean;
  /** TCP connect + handshake + authentication, not counting time spent in `confirmHostKey`. Default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Keep-alive interval; 0 disables. Default 15 s, and the connection is dropped after 3 missed answers. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  readonly signal?: AbortSignal;
  /** Called once when the connection ends after it was established (error is set when it broke). */
  readonly onClose?: (error?: SshError) => void;
}

export interface ExecOptions {
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderr?: (chunk: Buffer) => void;
  /** Aborting ends the remote command (TERM, then KILL after 5 s, to its process group) and rejects with SshCancelledError. */
  readonly signal?: AbortSignal;
  /** Given to the command's standard input, which is then closed; without it stdin is closed at once. */
  readonly stdin?: string | Buffer | Readable;
  /** Kill the command and throw `SshTimeoutError` after this many ms. */
  readonly timeoutMs?: number;
}

export interface ExecResult {
  /** The remote exit status, or null when the command was ended by a signal. */
  readonly code: number | null;
  /** Signal name as ssh2 reports it (e.g. "SIGTERM") when the command was killed by a signal. Commands run with a
   * `signal` or `timeoutMs` go through a wrapper shell and report 128+N as `code` instead. */
  readonly signal: string | null;
}

export interface RunResult extends ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface UploadOptions {
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  readonly signal?: AbortSignal;
  /** File mode of the uploaded file (default 0o644). */
  readonly mode?: number;
}
