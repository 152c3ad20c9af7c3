/**
 * The extension host's side of the language-service worker: sends requests with the document text and
 * version, drops answers for a version that is no longer current, cancels a request whose document changed,
 * checks every answer's shape before handing it on, and replaces the worker when it dies or stops answering
 * pings (a hang). Pure apart from timers: the worker itself comes from the `spawn` it is given.
 */
import type { LiveCluster } from '../api';
import { isResultOf, isWorkerMessage, type HostMessage, type RequestMessage, type RequestMethod, type ResultOf, type WorkerConfig } from './protocol';

/** The part of `worker_threads.Worker` the client uses (a fake in tests). */
export interface WorkerLike {
  postMessage(message: HostMessage): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/** The request was given up: its document changed, it was cancelled, or its answer was for an older version. */
export class RequestCancelled extends Error {
  constructor(reason: string) {
    super(`Request cancelled: ${reason}`);
    this.name = 'RequestCancelled';
  }
}

/** The worker died or hung while the request was in flight; it is restarted for the next request. */
export class WorkerFailed extends Error {
  constructor(reason: string) {
    super(`The IaC language worker ${reason}`);
    this.name = 'WorkerFailed';
  }
}

/** The `proxmoxIac.validation.workerTimeoutSeconds` setting: default and bounds (package.json says the same). */
export const DEFAULT_WORKER_TIMEOUT_SECONDS = 60;
export const MIN_WORKER_TIMEOUT_SECONDS = 10;
export const MAX_WORKER_TIMEOUT_SECONDS = 600;

/** A configured timeout in seconds as milliseconds, within the bounds; the default for anything but a number. */
export function workerTimeoutMs(seconds: unknown): number {
  const s = typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : DEFAULT_WORKER_TIMEOUT_SECONDS;
  return Math.round(Math.min(MAX_WORKER_TIMEOUT_SECONDS, Math.max(MIN_WORKER_TIMEOUT_SECONDS, s)) * 1000);
}

export type WorkerLogLevel = 'info' | 'warn' | 'error';

export interface LanguageWorkerClientOptions {
  readonly spawn: () => WorkerLike;
  /** Read at each (re)start and on `configure()`. */
  readonly config: () => WorkerConfig;
  readonly log: (level: WorkerLogLevel, message: string) => void;
  /**
   * No message from a busy worker for this long (wall time) counts as a hang. Default 60 s. A function is read
   * each time the worker becomes busy, so a changed setting applies to the next request.
   */
  readonly hangMs?: number | (() => number);
  /** How often a busy worker is pinged. Default 2 s. */
  readonly pingIntervalMs?: number;
}

/** A request's fields apart from those the client fills in. */
export type RequestBody<M extends RequestMethod> = Omit<Extract<RequestMessage, { method: M }>, 'type' | 'id' | 'method'>;

interface Pending {
  readonly method: RequestMethod;
  readonly path?: string;
  readonly version?: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class LanguageWorkerClient {
  private worker: WorkerLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Open documents: sent to every new worker, and the versions answers are checked against. */
  private readonly documents = new Map<string, { version: number; text: string }>();
  private live: LiveCluster | undefined;
  private lastHeard = 0;
  private pingSeq = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
  /** How many workers were started (1 + restarts); for the log and tests. */
  starts = 0;

  constructor(private readonly options: LanguageWorkerClientOptions) {}

  /** An open document's current text and version; requests for older versions of it are cancelled. */
  setDocument(path: string, version: number, text: string): void {
    const known = this.documents.get(path);
    if (known && known.version === version && known.text === text) return;
    this.documents.set(path, { version, text });
    this.cancelWhere((p) => p.path === path && p.version !== undefined && p.version !== version, `${path} changed`);
    this.worker?.postMessage({ type: 'document', path, version, text });
  }

  closeDocument(path: string): void {
    if (!this.documents.delete(path)) return;
    this.cancelWhere((p) => p.path === path && p.version !== undefined, `${path} was closed`);
    this.worker?.postMessage({ type: 'closeDocument', path });
  }

  invalidate(path: string): void {
    this.worker?.postMessage({ type: 'invalidate', path });
  }

  /** The connected cluster's guests (plain data), used by validations that do not name their own. */
  setLive(live: LiveCluster | undefined): void {
    this.live = live;
    this.worker?.postMessage({ type: 'live', live });
  }

  /** Sends the configuration again (workspace folders or trust changed). */
  configure(): void {
    this.worker?.postMessage({ type: 'configure', config: this.options.config() });
  }

  /** Sends a message the request protocol does not cover (test hooks), starting the worker if needed. */
  post(message: HostMessage): void {
    this.ensureWorker().postMessage(message);
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  request<M extends RequestMethod>(method: M, body: RequestBody<M>, signal?: AbortSignal): Promise<ResultOf[M]> {
    if (this.disposed) return Promise.reject(new RequestCancelled('the language service was shut down'));
    if (signal?.aborted) return Promise.reject(new RequestCancelled('aborted'));
    const fields = body as { path?: unknown; version?: unknown };
    const path = typeof fields.path === 'string' ? fields.path : undefined;
    const version = typeof fields.version === 'number' ? fields.version : undefined;
    if (path !== undefined && version !== undefined) {
      const current = this.documents.get(path);
      if (current && current.version !== version) return Promise.reject(new RequestCancelled(`${path} is at version ${current.version}, not ${version}`));
    }
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<ResultOf[M]>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.pending.delete(id)) return;
        this.worker?.postMessage({ type: 'cancel', id });
        reject(new RequestCancelled('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        method,
        ...(path !== undefined ? { path } : {}),
        ...(version !== undefined ? { version } : {}),
        resolve: (v) => {
          done();
          resolve(v as ResultOf[M]);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.startHeartbeat();
      worker.postMessage({ ...body, method, type: 'request', id } as unknown as RequestMessage);
    });
  }

  dispose(): void {
    this.disposed = true;
    this.stopHeartbeat();
    this.rejectAll(new RequestCancelled('the language service was shut down'));
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  // -------------------------------------------------------------------------------------------------------

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.options.spawn();
    this.worker = worker;
    this.starts++;
    this.lastHeard = Date.now();
    worker.on('message', (m) => {
      if (this.worker === worker) this.onMessage(m);
    });
    worker.on('error', (err) => {
      if (this.worker === worker) this.fail(`crashed (${err.message})`);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker && !this.disposed) this.fail(`stopped (exit code ${code})`);
    });
    worker.postMessage({ type: 'configure', config: this.options.config() });
    for (const [path, d] of this.documents) worker.postMessage({ type: 'document', path, version: d.version, text: d.text });
    if (this.live) worker.postMessage({ type: 'live', live: this.live });
    return worker;
  }

  private onMessage(raw: unknown): void {
    this.lastHeard = Date.now();
    if (!isWorkerMessage(raw)) {
      this.options.log('warn', 'The IaC language worker sent a message that is not part of the protocol; it was ignored.');
      return;
    }
    switch (raw.type) {
      case 'ready':
      case 'pong':
        return;
      case 'log':
        this.options.log(raw.level, `Language worker: ${raw.message}`);
        return;
      case 'cancelled': {
        const p = this.take(raw.id);
        p?.reject(new RequestCancelled('cancelled in the worker'));
        return;
      }
      case 'response': {
        const p = this.take(raw.id);
        if (!p) return; // cancelled or stale already
        if (!raw.ok) {
          p.reject(new Error(raw.error));
          return;
        }
        if (p.path !== undefined && p.version !== undefined && this.documents.get(p.path)?.version !== p.version) {
          p.reject(new RequestCancelled(`the answer is for an older version of ${p.path}`));
          return;
        }
        if (!isResultOf(p.method, raw.result)) {
          this.options.log('error', `The IaC language worker answered "${p.method}" with data of the wrong shape; it was dropped.`);
          p.reject(new Error(`the language worker's answer to ${p.method} had the wrong shape`));
          return;
        }
        p.resolve(raw.result);
        return;
      }
    }
  }

  private take(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.stopHeartbeat();
    return p;
  }

  private cancelWhere(match: (p: Pending) => boolean, reason: string): void {
    for (const [id, p] of [...this.pending]) {
      if (!match(p)) continue;
      this.pending.delete(id);
      this.worker?.postMessage({ type: 'cancel', id });
      p.reject(new RequestCancelled(reason));
    }
    if (this.pending.size === 0) this.stopHeartbeat();
  }

  private rejectAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.stopHeartbeat();
    for (const p of all) p.reject(error);
  }

  /** The worker died or hung: log it, fail what was in flight, and start a fresh worker on the next request. */
  private fail(reason: string): void {
    const w = this.worker;
    this.worker = undefined;
    this.options.log('error', `The IaC language worker ${reason}; it is restarted for the next request. Requests in flight were given up.`);
    this.rejectAll(new WorkerFailed(reason));
    void w?.terminate().catch(() => undefined);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    const option = this.options.hangMs;
    const hangMs = (typeof option === 'function' ? option() : option) ?? DEFAULT_WORKER_TIMEOUT_SECONDS * 1000;
    this.lastHeard = Date.now();
    this.heartbeat = setInterval(() => {
      if (!this.worker) return;
      if (Date.now() - this.lastHeard > hangMs) {
        this.fail(`did not answer for ${Math.round(hangMs / 1000)} s (hung)`);
        return;
      }
      this.worker.postMessage({ type: 'ping', seq: ++this.pingSeq });
    }, this.options.pingIntervalMs ?? 2_000);
    this.heartbeat.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
