/**
 * `proxmox-iac simulate`: runs the embedded PVE 9.1 simulator (demo cluster or N generated guests) on
 * 127.0.0.1 until interrupted. Prints the URL, certificate fingerprint and token id; the token secret is
 * only ever written to the file given by --token-file (mode 0600), never to the terminal.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT_OK, type CliCommand, type CliIO } from './command';
import { parseArgs, runWithClient, UsageError } from './resources';
import { startSimulator, type RunningSimulator } from '../sim/index';

type Role = 'admin' | 'auditor' | 'operator' | 'limited';

export async function startFromArgs(args: readonly string[], io: CliIO): Promise<{ sim: RunningSimulator; durationMs?: number }> {
  const { flags, positional } = parseArgs(args, ['port', 'seed', 'nodes', 'seed-file', 'token-file', 'role', 'task-ms', 'auth-delay-ms', 'duration'], ['print-token']);
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const port = Number(flags.get('port') ?? 8006);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number 0-65535');
  const seedArg = flags.get('seed') ?? 'demo';
  let seed: 'demo' | { guests: number; nodes: number } = 'demo';
  if (seedArg !== 'demo') {
    const guests = Number(seedArg);
    const nodes = Number(flags.get('nodes') ?? Math.max(1, Math.ceil(guests / 250)));
    if (!Number.isInteger(guests) || guests < 0 || !Number.isInteger(nodes) || nodes < 1) throw new UsageError('--seed takes demo or a number of guests (--nodes sets the node count)');
    seed = { guests, nodes };
  }
  const role = (flags.get('role') ?? 'admin') as Role;
  if (!['admin', 'auditor', 'operator', 'limited'].includes(role)) throw new UsageError('--role must be admin, auditor, operator or limited');
  const num = (name: string, fallback: number): number => {
    const v = Number(flags.get(name) ?? fallback);
    if (!(v >= 0)) throw new UsageError(`--${name} takes a non-negative number`);
    return v;
  };
  const seedFile = flags.get('seed-file');
  let sim: RunningSimulator;
  try {
    sim = await startSimulator({
      port,
      seed,
      ...(seedFile ? { seedFile: resolve(io.cwd, seedFile) } : {}),
      taskDurationMs: num('task-ms', 2000),
      authFailureDelayMs: num('auth-delay-ms', 3000),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use; pick another with --port`);
    if (code === 'EACCES') throw new UsageError(`no permission to listen on port ${port}; use a port above 1023`);
    if (code === 'ENOENT' || err instanceof SyntaxError) throw new UsageError(`cannot read the seed file ${seedFile ?? ''}: ${(err as Error).message}`);
    throw err;
  }
  const token = sim.tokens[role];
  const tokenFile = flags.get('token-file');
  if (tokenFile) writeSecretFile(resolve(io.cwd, tokenFile), `${token.secret}\n`);
  io.out(`Proxmox VE simulator (PVE 9.1 API, ${sim.state.guests.size} guests on ${sim.state.nodes.size} nodes) listening on ${sim.url}`);
  io.out(`Certificate SHA-256 fingerprint: ${sim.fingerprint}`);
  io.out(`API token (${role}): ${token.id}${tokenFile ? ` — secret written to ${tokenFile}` : ' — pass --token-file FILE to receive its secret'}`);
  if (flags.has('print-token')) {
    io.out(`PROXMOX_IAC_URL=${sim.url}`);
    io.out(`PROXMOX_IAC_TOKEN_ID=${token.id}`);
    io.out(`PROXMOX_IAC_FINGERPRINT=${sim.fingerprint}`);
  }
  const duration = flags.get('duration');
  return duration === undefined ? { sim } : { sim, durationMs: Number(duration) * 1000 };
}

/**
 * Writes a secret so that only the user can ever read it: into a new file created 0600 (O_EXCL, so no
 * existing file or symlink is opened), then renamed over `path`. An existing 0644 file at `path` is
 * replaced, not rewritten with its old mode, and a symlink at `path` is replaced, not followed.
 */
export function writeSecretFile(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Run a simulated Proxmox VE 9.1 cluster on 127.0.0.1 (for demos and tests)',
  usage: `Usage: proxmox-iac simulate [--port P] [--seed demo|N [--nodes M]] [--seed-file FILE]
                            [--token-file FILE] [--role admin|auditor|operator|limited] [--print-token]
                            [--task-ms MS] [--auth-delay-ms MS] [--duration SECONDS]

Starts an HTTPS server that answers like the Proxmox VE 9.1 API and checks every request against the
official schema. --seed demo (default) is a 3-node cluster matching the example IaC files; --seed N
generates N guests over M nodes. The certificate is self-signed and made at start: trust it with the
printed fingerprint. The token secret is written only to --token-file (mode 0600). --print-token also
prints PROXMOX_IAC_URL / _TOKEN_ID / _FINGERPRINT lines for the other commands. Runs until Ctrl-C
(or for --duration seconds).

Example:
  proxmox-iac simulate --port 8006 --token-file /tmp/pve.token --print-token
  proxmox-iac resources --url https://127.0.0.1:8006 --token-id 'root@pam!proxmox-iac' \\
      --token-file /tmp/pve.token --fingerprint AA:BB:… --format table`,
  run(args, io) {
    return runWithClient('simulate', io, async () => {
      const { sim, durationMs } = await startFromArgs(args, io);
      await new Promise<void>((done) => {
        const finish = (): void => {
          process.off('SIGINT', finish);
          process.off('SIGTERM', finish);
          done();
        };
        process.on('SIGINT', finish);
        process.on('SIGTERM', finish);
        if (durationMs !== undefined) setTimeout(finish, durationMs);
      });
      await sim.stop();
      return EXIT_OK;
    });
  },
};
