/**
 * When a guest's agent is asked again. Healthy agents every interval; agents that do not answer back off
 * (×2 per miss, at most 16 intervals, never more than 10 minutes) so a fleet of clones that never answer does not
 * cost a 3-second ping each every round; stopped and not-enabled guests only when their status changes or
 * every 10 intervals (someone may have set `agent: 1`). Pure.
 */
import type { AgentReport } from './state';

export const MAX_BACKOFF_MS = 10 * 60_000;

export function nextCheckAt(r: AgentReport, intervalMs: number): number {
  const at = r.checkedAt ?? 0;
  switch (r.state) {
    case 'stopped':
    case 'not-enabled':
    case 'no-permission':
      return at + intervalMs * 10;
    case 'not-answering':
    case 'error':
      return at + Math.min(intervalMs * 2 ** Math.min(Math.max(r.misses, 1), 4), Math.max(MAX_BACKOFF_MS, intervalMs));
    default:
      return at + intervalMs;
  }
}

/** Whether to probe now; `statusNow` is the guest's status in the latest /cluster/resources answer. */
export function isDue(r: AgentReport | undefined, statusNow: string, now: number, intervalMs: number): boolean {
  if (!r || r.checkedAt === undefined) return true;
  if (r.status !== statusNow) return true;
  return now >= nextCheckAt(r, intervalMs);
}
