/**
 * The worker's side of the protocol: keeps the open documents' unsaved text (other files' checks read it
 * before the disk), runs each request on the language service, and answers it unless it was cancelled or
 * its document moved on meanwhile; a request cancelled before it started is not run at all. Pure: the entry
 * (src/vscode/language/serviceWorker.ts) plugs in `parentPort` and the service.
 */
import type { FileSource, IacLanguageService, LiveCluster } from '../api';
import type { ReadOutcome } from '../../fs/boundedRead';
import { isHostMessage, type RequestMessage, type WorkerConfig, type WorkerMessage } from './protocol';

export interface WorkerServerDeps {
  readonly post: (message: WorkerMessage) => void;
  /** The service over `files` for a configuration (a new one after each `configure`). */
  readonly createService: (files: FileSource, config: WorkerConfig) => IacLanguageService;
  /** The disk (bounded reads). */
  readonly disk: FileSource;
  /** Test hooks around the synchronous part of a validation (src/core/validate/worker/testGate.ts). */
  readonly hooks?: {
    beforeValidate?(path: string): void;
    afterValidate?(path: string): void;
    hold?(path: string | undefined): void;
  };
}

interface Running {
  readonly controller: AbortController;
  readonly path?: string;
  readonly version?: number;
}

export class LanguageWorkerServer {
  private readonly documents = new Map<string, { version: number; text: string }>();
  private readonly running = new Map<number, Running>();
  private service: IacLanguageService | undefined;
  private live: LiveCluster | undefined;
  /** Open documents first, the disk otherwise. */
  private readonly files: FileSource = {
    readFile: (p) => {
      const d = this.documents.get(p);
      return d ? Promise.resolve(d.text) : this.deps.disk.readFile(p);
    },
    read: (p): Promise<ReadOutcome> => {
      const d = this.documents.get(p);
      if (d) return Promise.resolve({ kind: 'text', text: d.text });
      return this.deps.disk.read ? this.deps.disk.read(p) : this.deps.disk.readFile(p).then((t) => (t === undefined ? { kind: 'missing' } : { kind: 'text', text: t }));
    },
    listDir: (p) => this.deps.disk.listDir(p),
  };

  constructor(private readonly deps: WorkerServerDeps) {}

  handle(raw: unknown): void {
    if (!isHostMessage(raw)) {
      this.deps.post({ type: 'log', level: 'warn', message: 'ignored a message that is not part of the protocol' });
      return;
    }
    switch (raw.type) {
      case 'configure':
        this.service = this.deps.createService(this.files, raw.config);
        return;
      case 'document':
        this.documents.set(raw.path, { version: raw.version, text: raw.text });
        this.service?.invalidate(raw.path);
        this.abortWhere((r) => r.path === raw.path && r.version !== undefined && r.version !== raw.version);
        return;
      case 'closeDocument':
        this.documents.delete(raw.path);
        this.service?.invalidate(raw.path);
        return;
      case 'invalidate':
        this.service?.invalidate(raw.path);
        return;
      case 'live':
        this.live = raw.live;
        return;
      case 'cancel':
        this.running.get(raw.id)?.controller.abort();
        return;
      case 'ping':
        this.deps.post({ type: 'pong', seq: raw.seq });
        return;
      case 'request':
        void this.run(raw);
        return;
      case 'testHold':
        this.deps.hooks?.hold?.(raw.path);
        return;
    }
  }

  private abortWhere(match: (r: Running) => boolean): void {
    for (const r of this.running.values()) if (match(r)) r.controller.abort();
  }

  private async run(req: RequestMessage): Promise<void> {
    const controller = new AbortController();
    const path = req.method === 'declaredGuests' ? undefined : req.path;
    const version = req.method === 'declaredGuests' ? undefined : req.version;
    this.running.set(req.id, { controller, ...(path !== undefined ? { path } : {}), ...(version !== undefined ? { version } : {}) });
    try {
      // Let the messages queued behind this request arrive first: a cancel from the host (VS Code gave the
      // request up) or a newer version of the document means the work is stale and is skipped.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (controller.signal.aborted) {
        this.deps.post({ type: 'cancelled', id: req.id });
        return;
      }
      const service = this.service;
      if (!service) throw new Error('the language worker was not configured');
      const result = await this.call(service, req, controller.signal);
      if (controller.signal.aborted) this.deps.post({ type: 'cancelled', id: req.id });
      else this.deps.post({ type: 'response', id: req.id, ok: true, result });
    } catch (err) {
      if (controller.signal.aborted) this.deps.post({ type: 'cancelled', id: req.id });
      else this.deps.post({ type: 'response', id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running.delete(req.id);
    }
  }

  private async call(service: IacLanguageService, req: RequestMessage, signal: AbortSignal): Promise<unknown> {
    switch (req.method) {
      case 'validate': {
        this.deps.hooks?.beforeValidate?.(req.path);
        const options = { ...req.options, ...(req.options.live || !this.live ? {} : { live: this.live }), signal };
        const result = await service.validate(req.path, req.text, options);
        this.deps.hooks?.afterValidate?.(req.path);
        return result;
      }
      case 'hover':
        return service.hover(req.path, req.text, req.pos);
      case 'completions':
        return service.completions(req.path, req.text, req.pos);
      case 'definition':
        return service.definition(req.path, req.text, req.pos);
      case 'codeFixes':
        return service.codeFixes(req.path, req.text, req.range, req.diagnostics);
      case 'lensTargets':
        return service.lensTargets(req.path, req.text);
      case 'declaredGuests':
        return service.declaredGuests(req.roots);
    }
  }
}
