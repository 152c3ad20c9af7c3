/**
 * Typed SSH errors. Each message is a full sentence that tells the user what to do; none carries a key,
 * passphrase or other secret.
 */

export type SshErrorKind =
  | 'auth'
  | 'unreachable'
  | 'host-key-mismatch'
  | 'host-key-rejected'
  | 'timeout'
  | 'cancelled'
  | 'key-file'
  | 'connection-lost'
  | 'command-failed'
  | 'protocol';

export abstract class SshError extends Error {
  abstract readonly kind: SshErrorKind;
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server accepted none of the offered keys (or agent identities). */
export class SshAuthError extends SshError {
  override readonly name = 'SshAuthError';
  readonly kind = 'auth';
  constructor(host: string, port: number, readonly user: string, readonly triedMethods: readonly string[], options?: { cause?: unknown }) {
    super(
      `SSH authentication as ${user}@${host}:${port} failed (tried: ${triedMethods.join(', ') || 'nothing'}). ` +
        `Add your public key to ~${user === 'root' ? 'root' : `/${user}`}/.ssh/authorized_keys on the server, ` +
        'or choose the right key file or ssh-agent in the connection settings.',
      host,
      port,
      options,
    );
  }
}

/** TCP connection refused, no route, unknown host name. */
export class SshUnreachableError extends SshError {
  override readonly name = 'SshUnreachableError';
  readonly kind = 'unreachable';
  constructor(host: string, port: number, readonly code: string | undefined, options?: { cause?: unknown }) {
    super(
      `Cannot reach the SSH server at ${host}:${port}${code ? ` (${code})` : ''}. ` +
        'Check the host name and port, that sshd is running, and that no firewall blocks the port.',
      host,
      port,
      options,
    );
  }
}

/** The server presented a key other than the one we know: possibly a man-in-the-middle. */
export class SshHostKeyMismatchError extends SshError {
  override readonly name = 'SshHostKeyMismatchError';
  readonly kind = 'host-key-mismatch';
  constructor(
    host: string,
    port: number,
    readonly expected: readonly { keyType: string; fingerprint: string; source: string }[],
    readonly presented: { keyType: string; fingerprint: string },
  ) {
    super(
      `The SSH host key of ${host}:${port} has CHANGED: the server presented ${presented.keyType} ${presented.fingerprint}, ` +
        `but ${expected.map((e) => `${e.keyType} ${e.fingerprint} (${e.source})`).join(', ')} was expected. ` +
        'Someone could be intercepting the connection, or the server was reinstalled. The connection was refused; ' +
        'if the change is expected, verify the new fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) ' +
        `and remove the old entry (ssh-keygen -R '${port === 22 ? host : `[${host}]:${port}`}') or update the pinned fingerprint.`,
      host,
      port,
    );
  }
}

/** An unknown host key that the user (or the absence of a way to ask) did not trust. */
export class SshHostKeyRejectedError extends SshError {
  override readonly name = 'SshHostKeyRejectedError';
  readonly kind = 'host-key-rejected';
  constructor(host: string, port: number, readonly presented: { keyType: string; fingerprint: string }, reason: string) {
    super(
      `The SSH host key of ${host}:${port} (${presented.keyType} ${presented.fingerprint}) is not trusted: ${reason} ` +
        'Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server, then accept it or add it to known_hosts.',
      host,
      port,
    );
  }
}

export class SshTimeoutError extends SshError {
  override readonly name = 'SshTimeoutError';
  readonly kind = 'timeout';
  constructor(host: string, port: number, readonly phase: 'connect' | 'command' | 'keepalive' | 'upload', readonly timeoutMs: number) {
    super(
      phase === 'connect'
        ? `Connecting to the SSH server at ${host}:${port} timed out after ${timeoutMs} ms. Check that the host is up and the port is right, or raise the connect timeout.`
        : phase === 'keepalive'
          ? `The SSH connection to ${host}:${port} stopped answering keep-alives. Check the network and reconnect.`
          : `The ${phase === 'upload' ? 'upload' : 'command'} on ${host}:${port} did not finish within ${timeoutMs} ms and was stopped. Raise the timeout if it needs longer.`,
      host,
      port,
    );
  }
}

export class SshCancelledError extends SshError {
  override readonly name = 'SshCancelledError';
  readonly kind = 'cancelled';
  constructor(host: string, port: number, what: string) {
    super(`${what} on ${host}:${port} was cancelled.`, host, port);
  }
}

/** A private key file that cannot be read or decrypted. */
export class SshKeyFileError extends SshError {
  override readonly name = 'SshKeyFileError';
  readonly kind = 'key-file';
  constructor(host: string, port: number, readonly file: string, detail: string, options?: { cause?: unknown }) {
    super(`Cannot use the SSH key file ${file}: ${detail}`, host, port, options);
  }
}

export class SshConnectionLostError extends SshError {
  override readonly name = 'SshConnectionLostError';
  readonly kind = 'connection-lost';
  constructor(host: string, port: number, detail: string, options?: { cause?: unknown }) {
    super(`The SSH connection to ${host}:${port} was lost (${detail}). Reconnect and try again.`, host, port, options);
  }
}

export class SshProtocolError extends SshError {
  override readonly name = 'SshProtocolError';
  readonly kind = 'protocol';
  constructor(host: string, port: number, detail: string, options?: { cause?: unknown }) {
    super(`The SSH server at ${host}:${port} failed: ${detail}`, host, port, options);
  }
}

/**
 * A remote command exited non-zero (from `SshSession.runChecked`). The message names only the program and its
 * subcommand, never the other arguments, which may hold passwords (`qm set --cipassword …`).
 */
export class SshCommandFailedError extends SshError {
  override readonly name = 'SshCommandFailedError';
  readonly kind = 'command-failed';
  constructor(
    host: string,
    port: number,
    /** e.g. "qm start". */
    readonly command: string,
    readonly code: number | null,
    readonly signal: string | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const reason = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ') || stdout.trim().split('\n').slice(-1)[0] || 'no output';
    super(
      `\`${command}\` failed on ${host}${port === 22 ? '' : `:${port}`} (${code === null ? `killed by ${signal ?? 'a signal'}` : `exit ${code}`}): ${reason}`,
      host,
      port,
    );
  }
}
