import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { DeclaredGuest, IacDiagnostic, IacFormat } from '../../core/iac/types';
import { readOutcome, refusalDiagnostic } from '../../core/fs/boundedRead';
import type { Services } from '../services';
import { onConfigChange } from '../util/config';
import { Disposable, toDisposable } from '../util/dispose';
import { errorMessage } from '../util/log';
import { diagnosticKey, toDiagnostic, vscodeDiagnosticKey } from '../language/convert';
import { IAC_SCAN_EXCLUDE, IAC_SCAN_GLOB, isNixPath, mayBeIacPath } from '../language/selectors';
import type { LazyLanguageService } from '../language/serviceHost';
import { RequestCancelled } from '../../core/validate/worker/client';
import type { LiveGuestSource } from './liveGuests';
import { debounceMs, VALIDATION_SETTINGS, validationEnabled, validationOptions } from './options';

/** How many files are validated at once in the workspace scan and when dependents are rechecked. */
const SCAN_CONCURRENCY = 4;
/** Upper bound on files the workspace scan looks at, so a huge monorepo does not stall the host. */
const SCAN_MAX_FILES = 5000;
/** Delay before dependents are rechecked, so a burst of file events (git checkout) costs one pass. */
const DEPENDENTS_DELAY_MS = 300;

/** Minimum pause in typing before a Nix file is evaluated again. */
const NIX_DEBOUNCE_MS = 750;

const NIX_FORMATS: ReadonlySet<IacFormat> = new Set<IacFormat>(['hosts-nix', 'vm-definitions-nix']);

export interface WorkspaceValidationSummary {
  files: number;
  errors: number;
  warnings: number;
}

interface FileResult {
  readonly iac: readonly IacDiagnostic[];
  readonly byKey: ReadonlyMap<string, IacDiagnostic>;
}

/**
 * Keeps the Problems panel in step with the IaC files: open documents as the user types (debounced),
 * every IaC file of the workspace once after start-up, and the files that may depend on a file that
 * was saved, created or deleted (site-config references cross files).
 */
export class IacDiagnostics extends Disposable {
  private readonly collection: vscode.DiagnosticCollection;
  private readonly results = new Map<string, FileResult>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly runs = new Map<string, AbortController>();
  /** Paths of every IaC file seen, open or not: the candidates for rechecking dependents. */
  private readonly known = new Set<string>();
  private dependentsTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly dependentsChanged = new Set<string>();
  private untrustedAnnounced = false;
  /** Read-only guests that hosts.nix / vms/definitions.nix declare; manifests must not touch their VMIDs. */
  private nixReadonly: readonly DeclaredGuest[] = [];
  private nixReadonlyRun = 0;
  private scanDone: Promise<void> | undefined;

  constructor(
    private readonly services: Services,
    private readonly host: LazyLanguageService,
    /** The open connection's guests: VMIDs they use are conflicts for IaC files that declare them otherwise. */
    private readonly live?: LiveGuestSource,
  ) {
    super();
    if (live) this._register(live.onDidChange(() => void this.revalidateAll()));
    this.collection = this._register(vscode.languages.createDiagnosticCollection('proxmoxIac'));
    this._register(toDisposable(() => this.cancelAll()));

    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc.uri, 0)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0 || !this.isCandidate(e.document.uri)) return;
        // The service may cache this file's parsed content (a preset used by manifests); drop it.
        this.host.invalidate(e.document.uri.fsPath);
        // Each Nix check starts nix-instantiate (about half a second): wait for a real pause in typing.
        const delay = debounceMs(this.services.config);
        this.schedule(e.document.uri, isNixPath(e.document.uri.fsPath) ? Math.max(delay, NIX_DEBOUNCE_MS) : delay);
      }),
    );
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => this.fileChanged(doc.uri)));
    // After a close the disk is the truth again (unsaved edits may have been discarded).
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (!this.isCandidate(doc.uri)) return;
        this.host.invalidate(doc.uri.fsPath);
        this.schedule(doc.uri, 0);
      }),
    );

    const watcher = this._register(vscode.workspace.createFileSystemWatcher(IAC_SCAN_GLOB));
    this._register(watcher.onDidCreate((uri) => this.fileChanged(uri)));
    this._register(watcher.onDidChange((uri) => this.fileChanged(uri)));
    this._register(watcher.onDidDelete((uri) => this.fileDeleted(uri)));

    this._register(
      onConfigChange([VALIDATION_SETTINGS.enabled, VALIDATION_SETTINGS.vmidRanges, VALIDATION_SETTINGS.readonlyVmids], () => {
        if (validationEnabled(this.services.config)) void this.revalidateAll();
        else this.clearAll();
      }),
    );
    this._register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        void this.revalidateAll(isNixPath);
        this.refreshNixReadonly();
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scanWorkspace()));
  }

  /** Validates the open documents now and the rest of the workspace a moment later, off the activation path. */
  start(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc.uri, 0);
    const timer = setTimeout(() => {
      void this.scanWorkspace();
      this.refreshNixReadonly();
    }, 250);
    this._register(toDisposable(() => clearTimeout(timer)));
  }

  /** Our core diagnostic behind a VS Code diagnostic (VS Code hands code actions copies, not our objects). */
  findIacDiagnostic(uri: vscode.Uri, diagnostic: vscode.Diagnostic): IacDiagnostic | undefined {
    return this.results.get(uri.toString())?.byKey.get(vscodeDiagnosticKey(diagnostic));
  }

  private isCandidate(uri: vscode.Uri): boolean {
    return uri.scheme === 'file' && mayBeIacPath(uri.fsPath);
  }

  private schedule(uri: vscode.Uri, delayMs: number): void {
    if (!this.isCandidate(uri) || this.isDisposed) return;
    const key = uri.toString();
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(uri);
      }, delayMs),
    );
  }

  private fileChanged(uri: vscode.Uri): void {
    if (!this.isCandidate(uri)) return;
    this.host.invalidate(uri.fsPath);
    this.schedule(uri, 0);
    this.scheduleDependents(uri.fsPath);
    if (isNixPath(uri.fsPath)) this.refreshNixReadonly();
  }

  private fileDeleted(uri: vscode.Uri): void {
    if (!this.isCandidate(uri)) return;
    this.host.invalidate(uri.fsPath);
    this.cancel(uri.toString());
    this.known.delete(uri.fsPath);
    this.results.delete(uri.toString());
    this.collection.delete(uri);
    this.scheduleDependents(uri.fsPath);
    if (isNixPath(uri.fsPath)) this.refreshNixReadonly();
  }

  /**
   * Rechecks the other known IaC files of the same kind shortly: any of them may refer to the changed one.
   * YAML files refer only to YAML files and Nix files only to their companion, so a saved preset does not
   * re-run Nix (manifests that depend on Nix read-only flags are handled by `refreshNixReadonly`).
   */
  private scheduleDependents(changedPath: string): void {
    this.dependentsChanged.add(changedPath);
    if (this.dependentsTimer) clearTimeout(this.dependentsTimer);
    this.dependentsTimer = setTimeout(() => {
      this.dependentsTimer = undefined;
      // The changed files themselves were already rechecked by `schedule`.
      const changed = new Set(this.dependentsChanged);
      this.dependentsChanged.clear();
      const kinds = new Set([...changed].map(isNixPath));
      void this.revalidateAll((p) => !changed.has(p) && kinds.has(isNixPath(p)));
    }, DEPENDENTS_DELAY_MS);
  }

  private async revalidateAll(filter: (path: string) => boolean = () => true): Promise<void> {
    const open = vscode.workspace.textDocuments.filter((d) => this.isCandidate(d.uri)).map((d) => d.uri.fsPath);
    const paths = [...new Set([...open, ...this.known])].filter(filter);
    await runBounded(paths, SCAN_CONCURRENCY, (p) => this.validate(vscode.Uri.file(p)));
  }

  /**
   * Validates every IaC file of the workspace again (the "Validate IaC Files in Workspace" command, e.g.
   * after a git pull) and resolves to what the Problems panel now holds for them.
   */
  async validateWorkspace(onProgress?: (done: number, total: number) => void): Promise<WorkspaceValidationSummary> {
    await this.scanDone;
    const iacFiles = await this.findIacFiles();
    for (const uri of iacFiles) this.host.invalidate(uri.fsPath);
    let done = 0;
    onProgress?.(0, iacFiles.length);
    await runBounded(iacFiles, SCAN_CONCURRENCY, async (u) => {
      await this.validate(u);
      onProgress?.(++done, iacFiles.length);
    });
    const summary: WorkspaceValidationSummary = { files: iacFiles.length, errors: 0, warnings: 0 };
    for (const uri of iacFiles) {
      for (const d of this.results.get(uri.toString())?.iac ?? []) {
        if (d.severity === 'error') summary.errors++;
        else if (d.severity === 'warning') summary.warnings++;
      }
    }
    return summary;
  }

  private async findIacFiles(): Promise<vscode.Uri[]> {
    if (!vscode.workspace.workspaceFolders?.length) return [];
    const uris = await vscode.workspace.findFiles(IAC_SCAN_GLOB, IAC_SCAN_EXCLUDE, SCAN_MAX_FILES);
    const candidates = uris.filter((u) => this.isCandidate(u));
    if (candidates.length === 0) return [];
    const service = await this.host.get();
    return candidates.filter((u) => service.detectFormat(u.fsPath) !== undefined);
  }

  private scanWorkspace(): Promise<void> {
    const run = async (): Promise<void> => {
      if (!validationEnabled(this.services.config)) return;
      const started = performance.now();
      const iacFiles = await this.findIacFiles();
      // Files already validated (open documents) keep their fresher result.
      const todo = iacFiles.filter((u) => !this.results.has(u.toString()) && !this.runs.has(u.toString()));
      await runBounded(todo, SCAN_CONCURRENCY, (u) => this.validate(u));
      this.services.log.info(
        `Validated ${todo.length} of ${iacFiles.length} IaC files in the workspace in ${(performance.now() - started).toFixed(0)} ms`,
      );
    };
    this.scanDone = run().catch((err: unknown) => {
      this.services.log.error('The workspace scan for IaC files failed', err);
    });
    return this.scanDone;
  }

  private async validate(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    this.cancel(key);
    const controller = new AbortController();
    this.runs.set(key, controller);
    try {
      const service = await this.host.get();
      const path = uri.fsPath;
      const format = service.detectFormat(path);
      if (!format || controller.signal.aborted) return;
      this.known.add(path);
      if (!validationEnabled(this.services.config)) return;

      let diagnostics: IacDiagnostic[];
      if (NIX_FORMATS.has(format) && !vscode.workspace.isTrusted) {
        diagnostics = [untrustedNixDiagnostic()];
        this.announceUntrusted();
      } else {
        const read = await readOutcome(this.host.files, path);
        if (controller.signal.aborted) return;
        if (read.kind === 'refused') {
          // A FIFO, a device or an over-large file that looks like an IaC file: named, never read.
          this.setResult(uri, [refusalDiagnostic(vscode.workspace.asRelativePath(uri), read)]);
          return;
        }
        if (read.kind === 'missing') {
          this.setResult(uri, []);
          return;
        }
        const text = read.text;
        diagnostics = await service.validate(path, text, {
          ...validationOptions(this.services.config),
          ...(format === 'manifest' ? { declaredGuests: this.nixReadonly } : {}),
          ...(this.live?.current() ? { live: this.live.current() } : {}),
          signal: controller.signal,
        });
      }
      // A newer run for this file started while we waited: its result wins.
      if (controller.signal.aborted) return;
      this.setResult(uri, diagnostics);
    } catch (err) {
      // The document changed under the request (a newer validation is on its way) or it was superseded.
      if (controller.signal.aborted || err instanceof RequestCancelled) return;
      this.services.log.error(`Validating ${uri.fsPath} failed`, err instanceof Error ? (err.stack ?? err.message) : err);
      this.setResult(uri, [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 'error',
          code: 'validator-failed',
          message: `Proxmox IaC could not validate this file (${errorMessage(err)}). See the "Proxmox IaC" log for details and report it with the file attached.`,
        },
      ]);
    } finally {
      if (this.runs.get(key) === controller) this.runs.delete(key);
    }
  }

  /**
   * Re-reads which guests the NixOS fleet files declare read-only, in the background (evaluating them takes
   * about a second), then re-checks the manifests if that changed. Trusted workspaces only: it runs Nix.
   */
  private refreshNixReadonly(): void {
    const run = ++this.nixReadonlyRun;
    const work = async (): Promise<void> => {
      let next: readonly DeclaredGuest[] = [];
      if (vscode.workspace.isTrusted && validationEnabled(this.services.config)) {
        const service = await this.host.get();
        const nixFiles = (await vscode.workspace.findFiles('**/*.nix', IAC_SCAN_EXCLUDE, 200)).filter((u) => service.detectFormat(u.fsPath) !== undefined);
        const roots = [...new Set(nixFiles.map((u) => fleetRootOf(u.fsPath)))];
        const guests = roots.length ? await service.declaredGuests(roots) : [];
        next = guests.filter((g) => g.readonly && NIX_FORMATS.has(g.format));
      }
      if (run !== this.nixReadonlyRun || this.isDisposed) return;
      const key = (gs: readonly DeclaredGuest[]) => gs.map((g) => `${g.vmid}@${g.readonlySource ?? g.file}`).sort().join(',');
      const changed = key(next) !== key(this.nixReadonly);
      this.nixReadonly = next;
      if (changed) {
        const service = await this.host.get();
        await this.revalidateAll((p) => service.detectFormat(p) === 'manifest');
      }
    };
    work().catch((err: unknown) => this.services.log.error('Reading read-only guests from the Nix fleet files failed', err));
  }

  private setResult(uri: vscode.Uri, iac: readonly IacDiagnostic[]): void {
    const byKey = new Map(iac.map((d) => [diagnosticKey(d.range, d.message, d.code), d] as const));
    this.results.set(uri.toString(), { iac, byKey });
    this.collection.set(uri, iac.map(toDiagnostic));
  }

  private announceUntrusted(): void {
    if (this.untrustedAnnounced) return;
    this.untrustedAnnounced = true;
    const manage = 'Manage Workspace Trust';
    void vscode.window
      .showInformationMessage(
        'Proxmox IaC does not evaluate Nix files in an untrusted workspace, so hosts.nix and vms/definitions.nix are not checked. Trust this workspace to validate them.',
        manage,
      )
      .then((choice) => {
        if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
      });
  }

  private cancel(key: string): void {
    this.runs.get(key)?.abort();
    this.runs.delete(key);
  }

  private cancelAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.dependentsTimer) clearTimeout(this.dependentsTimer);
    for (const run of this.runs.values()) run.abort();
    this.runs.clear();
  }

  private clearAll(): void {
    this.cancelAll();
    this.results.clear();
    this.collection.clear();
  }
}

/** The folder a fleet file belongs to: hosts.nix's own folder, or the parent of `vms/` for definitions.nix. */
function fleetRootOf(path: string): string {
  const dir = dirname(path);
  return basename(path) === 'definitions.nix' && basename(dir) === 'vms' ? dirname(dir) : dir;
}

function untrustedNixDiagnostic(): IacDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'information',
    code: 'untrusted-workspace',
    message:
      'This Nix file is not evaluated because the workspace is not trusted (evaluation runs code from it). Trust the workspace with "Workspaces: Manage Workspace Trust" to validate it.',
  };
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. Parsing is CPU work on the extension host's
 * one thread, so each worker yields between files to let other extensions' requests through.
 */
async function runBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
