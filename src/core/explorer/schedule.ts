/**
 * When the explorer polls next. Like the Proxmox web UI it waits the interval plus twice the last response
 * time (a slow cluster is polled less often), and after failures it backs off exponentially so an offline
 * cluster is not hammered.
 */
export const MAX_BACKOFF_MS = 5 * 60_000;

export function nextPollDelay(intervalMs: number, lastDurationMs: number, consecutiveFailures: number): number {
  const base = intervalMs + 2 * Math.max(0, lastDurationMs);
  if (consecutiveFailures <= 0) return base;
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(consecutiveFailures, 10));
}
