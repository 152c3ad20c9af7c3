/** Waiting for a Proxmox task (UPID) to end: polls its status with a growing interval, reads the log's end on failure. */
import type { PveApi, WaitOptions } from './api';
import { CancelledError, InvalidResponseError, TaskFailedError, TimeoutError } from './errors';
import type { TaskResult } from './types';
import { parseUpid } from './upid';

/** What waiting needs of a client. */
type TaskReader = Pick<PveApi, 'taskStatus'> & { taskLogTail(node: string, upid: string, lines?: number, o?: { signal?: AbortSignal }): Promise<string[]> };

export async function waitForTask(api: TaskReader, upid: string, poll: { readonly initialMs: number; readonly maxMs: number }, o?: WaitOptions): Promise<TaskResult> {
  const parsed = parseUpid(upid);
  if (!parsed) throw new InvalidResponseError(`'${upid}' is not a task ID (UPID)`);
  const started = Date.now();
  const signal = o?.signal;
  let interval = poll.initialMs;
  for (;;) {
    if (signal?.aborted) throw new CancelledError();
    const status = await api.taskStatus(parsed.node, upid, signal ? { signal } : undefined);
    const elapsed = Date.now() - started;
    o?.onProgress?.(status, elapsed);
    if (status.status === 'stopped') {
      const exitstatus = status.exitstatus ?? 'unexpected status';
      const ok = exitstatus === 'OK' || exitstatus.startsWith('WARNINGS');
      if (ok) return { upid, ok, exitstatus };
      let log: string[] = [];
      try {
        log = await api.taskLogTail(parsed.node, upid, 50, signal ? { signal } : undefined);
      } catch {
        // The exit status already says what failed; a missing log must not hide it.
      }
      return { upid, ok, exitstatus, log };
    }
    if (o?.timeoutMs !== undefined && elapsed + interval > o.timeoutMs) {
      throw new TimeoutError(o.timeoutMs, { request: `task ${parsed.type} ${parsed.id}` });
    }
    await sleep(interval, signal);
    interval = Math.min(poll.maxMs, Math.round(interval * 1.5));
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws TaskFailedError for a failed task result, for callers that prefer exceptions. */
export function throwIfFailed(result: TaskResult): TaskResult {
  if (!result.ok) throw new TaskFailedError(result.upid, result.exitstatus, result.log ?? []);
  return result;
}
