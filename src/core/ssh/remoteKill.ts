/** Ending a remote command when its channel closes: the SIGKILL request and the kill-on-close wrapper script. */
import type { ClientChannel } from 'ssh2';

export const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET']);

/**
 * Sends an SSH "signal" request for SIGKILL. ssh2's `channel.signal()` silently does nothing once our side has
 * sent EOF (which we do at once for commands without stdin), although RFC 4254 allows the request after EOF and
 * sshd honours it for non-root logins (killpg of the command's process group). So we send it through the channel's protocol object
 * when that is reachable, and fall back to the public method otherwise.
 */
export function sendKillSignal(channel: ClientChannel): void {
  const internals = channel as unknown as {
    _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
    outgoing?: { id?: number; state?: string };
  };
  try {
    const protocol = internals._client?._protocol;
    const id = internals.outgoing?.id;
    if (typeof protocol?.signal === 'function' && typeof id === 'number' && (internals.outgoing?.state === 'open' || internals.outgoing?.state === 'eof')) {
      protocol.signal(id, 'KILL');
    } else {
      channel.signal('KILL');
    }
  } catch {
    // The channel is already closing; closing it below is all that is left to do.
  }
}

/**
 * Runs "$@" so that closing the SSH channel ends it. sshd ignores "signal" requests in root sessions (they
 * need privilege separation, which OpenSSH skips for root — and Proxmox is usually reached as root), and a
 * command without a pty keeps running when the channel closes. So the command runs in the background in its
 * own process group (setsid, where available) with stdin from /dev/null, while a watcher waits for EOF on the
 * channel's stdin: when the channel closes it sends TERM, then KILL after 5 s, to the whole group.
 * The script is a constant; the command's arguments stay positional parameters, each quoted.
 */
export const KILL_ON_CLOSE_SCRIPT = [
  'exec 3<&0 </dev/null',
  'if command -v setsid >/dev/null 2>&1; then setsid "$@" 3<&- & else "$@" 3<&- & fi',
  'c=$!',
  '{ read -r _ <&3; kill -TERM -"$c" 2>/dev/null || kill -TERM "$c" 2>/dev/null; n=0;',
  '  while [ $n -lt 5 ] && kill -0 "$c" 2>/dev/null; do sleep 1; n=$((n+1)); done;',
  '  if kill -0 "$c" 2>/dev/null; then kill -KILL -"$c" 2>/dev/null || kill -KILL "$c" 2>/dev/null; fi; } &',
  'w=$!',
  'exec 3<&-',
  'wait "$c"; r=$?',
  'kill "$w" 2>/dev/null',
  'exit "$r"',
].join('\n');
