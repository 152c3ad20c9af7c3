import { inspect } from 'node:util';
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
