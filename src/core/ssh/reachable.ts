/**
 * Before a terminal runs `ssh`: can this machine reach the target at all? Asks OpenSSH itself where it would
 * connect (`ssh -G`, which applies ~/.ssh/config: Host aliases, HostName, Port, ProxyJump), then resolves the
 * name and opens a TCP connection to the port. Each failure becomes one sentence with its fix, so a user sees
 * why instead of a terminal that dies with "exit code 255".
 */
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';

export interface SshRoute {
  readonly hostname: string;
  readonly port: number;
  /** Set when ~/.ssh/config routes through a jump host or proxy command; the route cannot be probed directly. */
  readonly proxied: boolean;
}

export type SshReachability = { readonly ok: true; readonly route: SshRoute } | { readonly ok: false; readonly reason: string };

/** Parses `ssh -G` output ("hostname x", "port 22", "proxyjump …", "proxycommand …"), one option per line. */
export function parseSshConfigDump(text: string): SshRoute | undefined {
  const options = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (m && !options.has(m[1].toLowerCase())) options.set(m[1].toLowerCase(), m[2]);
  }
  const hostname = options.get('hostname');
  const port = Number(options.get('port') ?? '22');
  if (!hostname || !Number.isInteger(port)) return undefined;
  const isSet = (k: string): boolean => {
    const v = options.get(k);
    return v !== undefined && v !== 'none';
  };
  return { hostname, port, proxied: isSet('proxyjump') || isSet('proxycommand') };
}

function sshConfigFor(sshArgs: readonly string[], signal?: AbortSignal): Promise<{ ok: true; dump: string } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    execFile('ssh', ['-G', ...sshArgs], { timeout: 5000, signal, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ ok: true, dump: stdout });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return resolve({ ok: false, reason: 'the OpenSSH client (`ssh`) is not installed on this machine. Install it (Debian/Ubuntu: `sudo apt-get install openssh-client`) and try again.' });
      }
      resolve({ ok: false, reason: `\`ssh -G\` rejected the target: ${(stderr || err.message).trim().split('\n')[0]}` });
    });
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined): void => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'the connection was refused: no SSH server listens there' : (e.code ?? e.message)));
  });
}

/**
 * Checks that `ssh <sshArgs>` could reach its server. `label` names the target in the sentence ("node father").
 */
export async function checkSshReachable(label: string, sshArgs: readonly string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SshReachability> {
  const config = await sshConfigFor(sshArgs, options.signal);
  if (!config.ok) return { ok: false, reason: `Cannot open an SSH terminal to ${label}: ${config.reason}` };
  const route = parseSshConfigDump(config.dump);
  if (!route) return { ok: false, reason: `Cannot open an SSH terminal to ${label}: \`ssh -G\` did not say which host and port it would use.` };
  // A jump host or proxy command decides the path itself: leave it to ssh.
  if (route.proxied) return { ok: true, route };
  let address: string;
  try {
    address = (await lookup(route.hostname)).address;
  } catch {
    return {
      ok: false,
      reason:
        `Cannot open an SSH terminal to ${label}: the name "${route.hostname}" does not resolve from this machine. ` +
        `Add a "Host ${route.hostname}" entry with its HostName (address) to ~/.ssh/config, or the name to /etc/hosts, and try again.`,
    };
  }
  const failure = await tcpProbe(address, route.port, options.timeoutMs ?? 5000);
  if (failure) {
    return {
      ok: false,
      reason: `Cannot open an SSH terminal to ${label}: ${route.hostname} (${address}) port ${route.port} is not reachable (${failure}). Check that the host is up and sshd runs, or set the right Port in ~/.ssh/config.`,
    };
  }
  return { ok: true, route };
}
