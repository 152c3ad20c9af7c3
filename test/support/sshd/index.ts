/**
 * Starts a real OpenSSH server (Debian's /usr/sbin/sshd) on 127.0.0.1 for tests: its own host keys, its own
 * sshd_config and authorized_keys in a temp dir, and fake `qm`/`qmrestore`/`pvesh` (test/support/pve-bin) first
 * on the sessions' PATH. One server per test file keeps the unit tier fast; `stop()` leaves no process behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, appendFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { ResultPromise } from 'execa' with { 'resolution-mode': 'import' };

export const SSHD_PATH = '/usr/sbin/sshd';
const INSTALL_COMMAND = 'apt-get update && apt-get install -y openssh-server';

export type KeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface GeneratedKey {
  readonly type: KeyType;
  /** Private key file. */
  readonly path: string;
  /** The `.pub` line: "ssh-ed25519 AAAA... comment". */
  readonly publicLine: string;
  /** "SHA256:..." as OpenSSH prints it. */
  readonly fingerprint: string;
}

export interface FakeCall {
  readonly prog: string;
  readonly argv: string[];
}

export interface SshdOptions {
  /** Host key types the server offers, in its order (default: ed25519 only). */
  readonly hostKeyTypes?: readonly KeyType[];
  /** Extra environment for sessions, e.g. PVE_SIM_URL for the fake pvesh. */
  readonly sessionEnv?: Readonly<Record<string, string>>;
  /** sshd LogLevel (default INFO); its output is available through `log()`. */
  readonly logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG' | 'DEBUG3';
}

export interface TestSshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly dir: string;
  readonly hostKeys: readonly GeneratedKey[];
  /** A client key already in authorized_keys. */
  readonly clientKey: GeneratedKey;
  /** A known_hosts line for this server's first host key ("[127.0.0.1]:PORT ssh-ed25519 AAAA..."). */
  knownHostsLine(keyIndex?: number): string;
  /** Makes a new key pair in the server's temp dir (optionally protected by a passphrase). */
  generateKey(name: string, options?: { type?: KeyType; passphrase?: string; kdfRounds?: number; authorize?: boolean }): Promise<GeneratedKey>;
  /** Every fake qm/qmrestore/pvesh call so far, oldest first. */
  fakeCalls(): FakeCall[];
  clearFakeCalls(): void;
  /** What sshd has written to stderr so far (for failure messages). */
  log(): string;
  /** The listening sshd's process id. */
  readonly pid: number;
  /** Stops sshd and its per-connection children and removes the temp dir (again: no-op). */
  stop(): Promise<void>;
}

/** Installs openssh-server when sshd is missing and we are root; otherwise fails with the command to run. */
export async function ensureSshdInstalled(): Promise<void> {
  if (existsSync(SSHD_PATH)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`The SSH tests need OpenSSH's server at ${SSHD_PATH}. Install it with: sudo ${INSTALL_COMMAND}`);
  }
  const { execa } = await import('execa');
  await execa('sh', ['-c', INSTALL_COMMAND], { env: { DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'ignore' });
  if (!existsSync(SSHD_PATH)) {
    throw new Error(`Installing openssh-server did not provide ${SSHD_PATH}. Run: ${INSTALL_COMMAND}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** "SHA256:..." of a public key line, computed like `ssh-keygen -lf`. */
export function fingerprintOfPublicLine(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** `kdfRounds` (ssh-keygen -a) lowers the bcrypt cost of passphrase-protected keys to keep tests fast. */
export async function generateKeyPair(path: string, type: KeyType, passphrase = '', comment = 'proxmox-iac-test', kdfRounds?: number): Promise<GeneratedKey> {
  const { execa } = await import('execa');
  const bits = type === 'rsa' ? ['-b', '2048'] : type === 'ecdsa' ? ['-b', '256'] : [];
  const rounds = kdfRounds === undefined ? [] : ['-a', String(kdfRounds)];
  await execa('ssh-keygen', ['-q', '-t', type, ...bits, ...rounds, '-N', passphrase, '-C', comment, '-f', path]);
  const publicLine = readFileSync(`${path}.pub`, 'utf8').trim();
  return { type, path, publicLine, fingerprint: fingerprintOfPublicLine(publicLine) };
}

/** Direct children of `pid` (from /proc), so stop() can end per-connection sshd processes it started. */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

export function descendants(pid: number): number[] {
  const direct = childPids(pid);
  return direct.flatMap((c) => [c, ...descendants(c)]);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); it has ended for our purposes.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  await ensureSshdInstalled();
  const { execa } = await import('execa');
  const dir = mkdtempSync(join(tmpdir(), 'pxiac-sshd-'));
  const user = userInfo().username;
  // sshd refuses to start without its privilege-separation directory, which Debian creates only at boot.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });

  const hostKeyTypes = options.hostKeyTypes ?? ['ed25519'];
  const hostKeys = await Promise.all(hostKeyTypes.map((t) => generateKeyPair(join(dir, `ssh_host_${t}_key`), t, '', 'test-host')));
  const clientKey = await generateKeyPair(join(dir, 'client_ed25519'), 'ed25519');
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, `${clientKey.publicLine}\n`, { mode: 0o600 });

  // Wrappers for the fake PVE programs: absolute paths, so the session's PATH only needs the bin dir.
  const binDir = join(dir, 'bin');
  mkdirSync(binDir);
  const fake = resolve(__dirname, '../pve-bin/fake-pve.mjs');
  for (const prog of ['qm', 'qmrestore', 'pvesh']) {
    writeFileSync(join(binDir, prog), `#!/bin/sh\nexec '${process.execPath}' '${fake}' ${prog} "$@"\n`);
    chmodSync(join(binDir, prog), 0o755);
  }
  const fakeLog = join(dir, 'fake-calls.jsonl');
  writeFileSync(fakeLog, '');

  const port = await freePort();
  const env: Record<string, string> = {
    PATH: `${binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    PVE_FAKE_LOG: fakeLog,
    ...options.sessionEnv,
  };
  const setEnv = Object.entries(env)
    .map(([k, v]) => `"${k}=${v}"`)
    .join(' ');
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    ...hostKeys.map((k) => `HostKey ${k.path}`),
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'MaxSessions 50',
    'MaxStartups 50',
    'LoginGraceTime 30',
    'Subsystem sftp internal-sftp',
    `LogLevel ${options.logLevel ?? 'INFO'}`,
    `SetEnv ${setEnv}`,
    '',
  ].join('\n');
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, config);

  const child: ResultPromise = execa(SSHD_PATH, ['-D', '-e', '-f', configPath], { reject: false, buffer: false, stdin: 'ignore' });
  let log = '';
  let exited = false;
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  void child.then(() => {
    exited = true;
  });
  try {
    await waitFor(() => exited || log.includes('Server listening on'), 30_000, 'sshd to listen'); // generous: a loaded machine
    if (exited) throw new Error(`sshd exited at start:\n${log}`);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const mainPid = child.pid!;
  let stopped = false;

  return {
    host: '127.0.0.1',
    port,
    pid: mainPid,
    user,
    dir,
    hostKeys,
    clientKey,
    log: () => log,
    knownHostsLine(keyIndex = 0) {
      const key = hostKeys[keyIndex];
      const [type, base64] = key.publicLine.split(/\s+/);
      return `[127.0.0.1]:${port} ${type} ${base64}`;
    },
    async generateKey(name, o = {}) {
      const key = await generateKeyPair(join(dir, name), o.type ?? 'ed25519', o.passphrase ?? '', 'proxmox-iac-test', o.kdfRounds);
      if (o.authorize !== false) appendFileSync(authorizedKeys, `${key.publicLine}\n`);
      return key;
    },
    fakeCalls() {
      return readFileSync(fakeLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as FakeCall);
    },
    clearFakeCalls() {
      writeFileSync(fakeLog, '');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Per-connection processes outlive the listener, so end them (and what they run) first.
      const children = descendants(mainPid);
      child.kill('SIGTERM');
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      await waitFor(() => exited && children.every((p) => !processAlive(p)), 5_000, 'sshd to stop').catch(() => {
        child.kill('SIGKILL');
        for (const pid of children) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
