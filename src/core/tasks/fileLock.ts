/**
 * Seed 001's "simple file-based locking during operations" for git-tracked state under
 * `terraform-state/<workspace>/`: a JSON file next to the state, created exclusively by the run that takes it
 * (src/runner/) and removed when that run ends. Its content says who holds it, so a refused run can say so.
 */

export const STATE_LOCK_FILE = '.terraform-state.lock';

export interface FileLock {
  readonly id: string;
  readonly who: string;
  readonly operation: string;
  /** ISO time. */
  readonly created: string;
  readonly pid?: number;
}

export function parseFileLock(text: string): FileLock | undefined {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const s = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length < 512 ? v : undefined);
    const id = s(j.id);
    if (!id) return undefined;
    return { id, who: s(j.who) ?? 'unknown', operation: s(j.operation) ?? 'unknown', created: s(j.created) ?? 'unknown', ...(typeof j.pid === 'number' ? { pid: j.pid } : {}) };
  } catch {
    return undefined;
  }
}

/** "held by alice@laptop for apply since 2026-12-02T06:33:02Z". */
export function describeFileLock(lock: Pick<FileLock, 'who' | 'operation' | 'created'>): string {
  return `held by ${lock.who} for ${lock.operation} since ${lock.created}`;
}
