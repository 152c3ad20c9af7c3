import * as vscode from 'vscode';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CodeFix, CompletionResult, DefinitionResult, FileSource, HoverResult, IacLanguageService, LensTarget, LiveCluster } from '../../core/validate/api';
import type { IacDiagnostic, IacFormat, Pos, Range } from '../../core/iac/types';
import { detectFormat } from '../../core/iac/formats';
import { readBounded, type ReadOutcome } from '../../core/fs/boundedRead';
import { LanguageWorkerClient, RequestCancelled, type WorkerLike } from '../../core/validate/worker/client';
import type { WorkerConfig } from '../../core/validate/worker/protocol';
import { createGateBuffer, GateHost } from '../../core/validate/worker/testGate';
import { Config } from '../util/config';
import { Disposable, toDisposable } from '../util/dispose';
import { workerHangMs } from '../diagnostics/options';
import { isNixPath, mayBeIacPath } from './selectors';

/**
 * Serves the extension host the text a user sees: an open document's unsaved text first, the disk
 * otherwise. The disk is read through the core's bounded reader (paths are `file:` paths on the extension
 * host's machine): only regular files up to 2 MiB, so a preset that is a FIFO or a link to /dev/zero cannot
 * hang or flood the extension host. (The worker has its own copy of the open documents' text.)
 */
export class WorkspaceFileSource implements FileSource {
  async readFile(path: string): Promise<string | undefined> {
    const r = await this.read(path);
    return r.kind === 'text' ? r.text : undefined;
  }

  read(path: string): Promise<ReadOutcome> {
    const open = findOpenDocument(path);
    if (open) return Promise.resolve({ kind: 'text', text: open.getText() });
    return readBounded(path);
  }

  async listDir(path: string): Promise<string[]> {
    try {
      const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(path));
      return entries.map(([name]) => name);
    } catch {
      return [];
    }
  }
}

function findOpenDocument(path: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
}

/**
 * The language service as the editor features see it: every answer comes from the worker, so all are async,
 * and each editor request takes the AbortSignal of VS Code's cancellation token (util/cancellation.ts): a
 * cancelled request is cancelled in the worker and answers nothing at once.
 */
export type EditorLanguageService = Omit<IacLanguageService, 'lensTargets' | 'hover' | 'completions' | 'definition' | 'codeFixes'> & {
  hover(path: string, text: string, pos: Pos, signal?: AbortSignal): Promise<HoverResult | undefined>;
  completions(path: string, text: string, pos: Pos, signal?: AbortSignal): Promise<CompletionResult[]>;
  definition(path: string, text: string, pos: Pos, signal?: AbortSignal): Promise<DefinitionResult | undefined>;
  codeFixes(path: string, text: string, range: Range, diagnostics: readonly IacDiagnostic[], signal?: AbortSignal): Promise<CodeFix[]>;
  lensTargets(path: string, text: string, signal?: AbortSignal): Promise<LensTarget[]>;
};

/** What the integration tests reach through the extension's test-mode exports. */
export interface LanguageTestApi {
  /** Shared-memory view of the worker's state for one held validation (core/validate/worker/testGate.ts). */
  readonly gate: GateHost;
  /** Gate the next validation of `path`: the worker holds its result until `gate.release()`. */
  hold(path: string): void;
  /** How many workers were started so far (1 + restarts). */
  workerStarts(): number;
}

export interface LanguageServiceHostOptions {
  readonly log?: vscode.LogOutputChannel;
  /** Test runs: create the shared gate (never in production). */
  readonly testHooks?: boolean;
}

/**
 * The language service, run in a worker thread (`dist/language-worker.js`) started on first use: yaml,
 * ajv, the schemas and the Nix runner load there, and parsing a 1 MB file there never stalls the extension
 * host. The worker gets the open IaC documents' text as it changes; answers for a version that is no
 * longer current are dropped, and a worker that dies or hangs (silent for `validation.workerTimeoutSeconds`) is
 * replaced (with a line in the log).
 */
export class LazyLanguageService extends Disposable {
  readonly files: FileSource = new WorkspaceFileSource();
  private readonly client: LanguageWorkerClient;
  private readonly gateBuffer: SharedArrayBuffer | undefined;
  readonly testApi: LanguageTestApi | undefined;
  private readonly facade: EditorLanguageService;

  constructor(private readonly options: LanguageServiceHostOptions = {}) {
    super();
    this.gateBuffer = options.testHooks ? createGateBuffer() : undefined;
    this.client = new LanguageWorkerClient({
      spawn: () => this.spawn(),
      config: workerConfig,
      hangMs: () => workerHangMs(new Config()),
      log: (level, message) => {
        const log = this.options.log;
        if (!log) return;
        if (level === 'error') log.error(message);
        else if (level === 'warn') log.warn(message);
        else log.info(message);
      },
    });
    if (this.gateBuffer) {
      const gate = new GateHost(this.gateBuffer);
      this.testApi = {
        gate,
        hold: (path) => {
          gate.arm();
          this.client.post({ type: 'testHold', path });
        },
        workerStarts: () => this.client.starts,
      };
    }
    this.facade = this.createFacade();
    const sync = (doc: vscode.TextDocument): void => {
      if (isCandidate(doc.uri)) this.client.setDocument(doc.uri.fsPath, doc.version, doc.getText());
    };
    for (const doc of vscode.workspace.textDocuments) sync(doc);
    this._register(toDisposable(() => this.client.dispose()));
    [
      vscode.workspace.onDidOpenTextDocument(sync),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) sync(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (isCandidate(doc.uri)) this.client.closeDocument(doc.uri.fsPath);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.client.configure()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.client.configure()),
    ].forEach((d) => this._register(d));
  }

  /** The service (answers come from the worker); kept as a promise for the callers written before the worker. */
  get(): Promise<EditorLanguageService> {
    return Promise.resolve(this.facade);
  }

  /** Forget cached state for a changed file (no-op until the worker runs). */
  invalidate(path: string): void {
    this.client.invalidate(path);
  }

  /** The connected cluster's guests as plain data: validations use them for live checks. */
  setLive(live: LiveCluster | undefined): void {
    this.client.setLive(live);
  }

  detectFormat(path: string): IacFormat | undefined {
    return detectFormat(path);
  }

  /**
   * The file's format for editor features. Nix files count only in trusted workspaces: answering about them
   * evaluates workspace code.
   */
  formatOf(uri: vscode.Uri): Promise<IacFormat | undefined> {
    if (uri.scheme !== 'file' || !mayBeIacPath(uri.fsPath)) return Promise.resolve(undefined);
    if (isNixPath(uri.fsPath) && !vscode.workspace.isTrusted) return Promise.resolve(undefined);
    return Promise.resolve(detectFormat(uri.fsPath));
  }

  private spawn(): WorkerLike {
    const worker = new Worker(join(__dirname, 'language-worker.js'), {
      workerData: this.gateBuffer ? { testGate: this.gateBuffer } : {},
      // A runaway parse fails the worker (and it is restarted), not the extension host.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    return worker;
  }

  /**
   * Requests carry the document's version when the text is what the open document holds, so an answer for
   * an older version is dropped and an edit cancels the request.
   */
  private versionOf(path: string, text: string): number | undefined {
    const doc = findOpenDocument(path);
    if (!doc || !isCandidate(doc.uri) || doc.getText() !== text) return undefined;
    this.client.setDocument(path, doc.version, text);
    return doc.version;
  }

  private createFacade(): EditorLanguageService {
    const file = (path: string, text: string) => {
      const version = this.versionOf(path, text);
      return { path, text, ...(version !== undefined ? { version } : {}) };
    };
    // Editor features: a cancelled request (the document changed, or VS Code cancelled it) answers nothing.
    const orElse = <T>(p: Promise<T>, fallback: T): Promise<T> =>
      p.catch((err: unknown) => {
        if (err instanceof RequestCancelled) return fallback;
        throw err;
      });
    return {
      detectFormat,
      validate: (path, text, options = {}) => {
        const { signal, ...wire } = options;
        return this.client.request('validate', { ...file(path, text), options: wire }, signal);
      },
      hover: (path, text, pos, signal) => orElse(this.client.request('hover', { ...file(path, text), pos }, signal), undefined),
      completions: (path, text, pos, signal) => orElse(this.client.request('completions', { ...file(path, text), pos }, signal), []),
      definition: (path, text, pos, signal) => orElse(this.client.request('definition', { ...file(path, text), pos }, signal), undefined),
      codeFixes: (path, text, range, diagnostics, signal) =>
        orElse(this.client.request('codeFixes', { ...file(path, text), range, diagnostics: [...diagnostics] }, signal), []),
      lensTargets: (path, text, signal) => orElse(this.client.request('lensTargets', { ...file(path, text) }, signal), []),
      declaredGuests: (roots) => this.client.request('declaredGuests', { roots: [...roots] }),
      invalidate: (path) => this.client.invalidate(path),
    };
  }

  get disposed(): boolean {
    return this.isDisposed;
  }
}

function isCandidate(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && mayBeIacPath(uri.fsPath);
}

function workerConfig(): WorkerConfig {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (typeof v === 'string') env[k] = v;
  return {
    env,
    workspaceRoots: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    trusted: vscode.workspace.isTrusted,
  };
}

let shared: LazyLanguageService | undefined;

/**
 * One language service (one worker) for the whole extension: the language features create it with the
 * log; the explorer's declared-guest lookup reuses it.
 */
export function sharedLanguageService(options: LanguageServiceHostOptions = {}): LazyLanguageService {
  if (!shared || shared.disposed) {
    const created = new LazyLanguageService(options);
    shared = created;
  }
  return shared;
}
