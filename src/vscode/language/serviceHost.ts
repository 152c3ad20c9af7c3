import * as vscode from 'vscode';
import type { FileSource, IacLanguageService } from '../../core/validate/api';
import type { IacFormat } from '../../core/iac/types';
import { join } from 'node:path';
import { readBounded, type ReadOutcome } from '../../core/fs/boundedRead';
import { isNixPath, mayBeIacPath } from './selectors';

/**
 * Serves the language service the text a user sees: an open document's unsaved text first, the disk
 * otherwise. The disk is read through the core's bounded reader (paths are `file:` paths on the extension
 * host's machine): only regular files up to 2 MiB, so a preset that is a FIFO or a link to /dev/zero cannot
 * hang or flood the extension host.
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
 * The language service, built on first use: loading it pulls in yaml, ajv, the schemas and the Nix runner,
 * which must not happen during activation. It lives in its own bundle (`dist/language-service.js`), so
 * activation does not even parse it.
 */
export class LazyLanguageService {
  private loading: Promise<IacLanguageService> | undefined;
  private loaded: IacLanguageService | undefined;

  constructor(readonly files: FileSource = new WorkspaceFileSource()) {}

  get(): Promise<IacLanguageService> {
    if (!this.loading) {
      this.loading = Promise.resolve().then(() => {
        const module = loadServiceModule();
        const service = module.createEditorLanguageService(this.files, {
          env: process.env,
          workspaceRoots: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
        });
        this.loaded = service;
        return service;
      });
      // A failed load (a bug in the service) is retried on the next request instead of being cached forever.
      this.loading.catch(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  /** The service if it is already built; lets synchronous callers skip work before the first load. */
  get ifLoaded(): IacLanguageService | undefined {
    return this.loaded;
  }

  /**
   * The file's format for editor features, loading the service only for paths that could be IaC files at
   * all. Nix files count only in trusted workspaces: answering about them evaluates workspace code.
   */
  async formatOf(uri: vscode.Uri): Promise<IacFormat | undefined> {
    if (uri.scheme !== 'file' || !mayBeIacPath(uri.fsPath)) return undefined;
    if (isNixPath(uri.fsPath) && !vscode.workspace.isTrusted) return undefined;
    return (await this.get()).detectFormat(uri.fsPath);
  }
}

export type ServiceModule = typeof import('./serviceModule');

/**
 * Loads `dist/language-service.js`, which the build writes next to `dist/extension.js`. The path is computed
 * so that esbuild leaves the require alone instead of bundling the service into the extension.
 */
export function loadServiceModule(): ServiceModule {
  const file = join(__dirname, 'language-service.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as ServiceModule;
}
