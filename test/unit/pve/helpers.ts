import { inspect } from 'node:util';
import type { CliIO } from '../../../src/cli/command';
import { PveClient, type PveClientOptions } from '../../../src/core/pve/client';
import type { ConnectionTarget } from '../../../src/core/pve/types';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/sim/index';

export type Role = keyof RunningSimulator['tokens'];

/** A simulator with fast tasks and 401s, for unit tests. */
export function sim(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ taskDurationMs: 150, authFailureDelayMs: 20, ...options });
}

/** A token client pinned to the simulator's certificate, with fast retries and polling. The request timeout is a hang
 * guard only, generous because a loaded machine may take seconds to answer; tests of timeouts set their own. */
export function clientFor(s: RunningSimulator, role: Role = 'admin', options: PveClientOptions = {}, target: Partial<ConnectionTarget> = {}): PveClient {
  const t = s.tokens[role];
  return new PveClient(
    { url: s.url, user: t.id, auth: 'token', fingerprint: s.fingerprint, timeoutMs: 30_000, ...target },
    t.secret,
    { retry: { attempts: 3, baseDelayMs: 10 }, taskPoll: { initialMs: 30, maxMs: 100 }, ...options },
  );
}

export const VM = (vmid: number, node = 'prom') => ({ node, type: 'qemu' as const, vmid });
export const CT = (vmid: number, node = 'prom') => ({ node, type: 'lxc' as const, vmid });

/** Every way we look at a thrown object: a secret must appear in none of them. */
export function everyView(err: unknown): string {
  const e = err as Error;
  return [JSON.stringify(err), JSON.stringify(Object.getOwnPropertyNames(err).map((k) => [k, (err as Record<string, unknown>)[k]])), inspect(err, { showHidden: true, depth: 10 }), String(e.stack), String(e.message)].join('\n');
}

/** What a CLI command printed, line by line. */
export type CapturedIO = CliIO & { stdout: () => string; stderr: () => string };

/** A CLI io that keeps what is printed, working in `cwd`; `env` defaults to the simulator's admin connection. */
export function capturedIo(cwd: string, env: NodeJS.ProcessEnv): CapturedIO {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

/** The environment that points the CLI at the simulator as its admin token (the secret is in a file, never here). */
export function simEnv(s: RunningSimulator): NodeJS.ProcessEnv {
  return { PROXMOX_IAC_URL: s.url, PROXMOX_IAC_TOKEN_ID: s.tokens.admin.id, PROXMOX_IAC_FINGERPRINT: s.fingerprint };
}
