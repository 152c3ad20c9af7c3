/**
 * Running one command on an open connection: the argv quoted into the exec request (quote.ts), output to
 * callbacks, and cancellation or a timeout that really ends the remote command (remoteKill.ts).
 */
import type { Client, ClientChannel } from 'ssh2';
import { SshCancelledError, SshProtocolError, SshTimeoutError, type SshError } from './errors';
import { buildRemoteCommand } from './quote';
import { KILL_ON_CLOSE_SCRIPT, sendKillSignal } from './remoteKill';
import type { ExecOptions, ExecResult } from './types';

/** What a command (or an upload) needs of its session. */
export interface ConnectionHandle {
  readonly client: Client;
  readonly host: string;
  readonly port: number;
  /** Settles each running command with the error when the connection goes. */
  readonly pending: Set<(err: SshError) => void>;
  ensureOpen(): void;
  isClosed(): boolean;
}

/**
 * Runs `argv` on the server. Every element is quoted, so it reaches the program verbatim whatever it contains.
 * Resolves with the exit status (a non-zero status is not an error); rejects with `SshCancelledError`,
 * `SshTimeoutError` or `SshConnectionLostError`.
 */
export function execOnConnection(c: ConnectionHandle, argv: readonly string[], o: ExecOptions = {}): Promise<ExecResult> {
  // Cancellable commands without stdin run under the kill-on-close wrapper; with stdin in use we can only ask
  // sshd for a signal (works for non-root users) and close the channel.
  const cancellable = o.stdin === undefined && (o.signal !== undefined || o.timeoutMs !== undefined);
  const direct = buildRemoteCommand(argv); // validates argv in both cases
  const command = cancellable ? buildRemoteCommand(['sh', '-c', KILL_ON_CLOSE_SCRIPT, 'sh', ...argv]) : direct;
  c.ensureOpen();
  if (o.signal?.aborted) return Promise.reject(new SshCancelledError(c.host, c.port, `The command ${argv[0]}`));
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
      c.pending.delete(finish);
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
    const onAbort = () => stop(new SshCancelledError(c.host, c.port, `The command ${argv[0]}`));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    c.pending.add(finish);
    if (o.timeoutMs !== undefined) {
      timer = setTimeout(() => stop(new SshTimeoutError(c.host, c.port, 'command', o.timeoutMs!)), o.timeoutMs);
    }

    c.client.exec(command, (err, stream) => {
      if (err) return finish(new SshProtocolError(c.host, c.port, `the server refused to run ${argv[0]} (${err.message}).`, { cause: err }));
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
