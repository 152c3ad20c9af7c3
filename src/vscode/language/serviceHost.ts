import * as vscode from 'vscode';
import type { FileSource, IacLanguageService } from '../../core/validate/api';
import type { IacFormat } from '../../core/iac/types';
import { join } from 'node:path';
import { isNixPath, mayBeIacPath } from './selectors';

/**
 * Serves the language service the text a user sees: an open document's unsaved text first, the disk
 * otherwise (through vscode.workspace.fs, so remote and virtual file systems work too).
 */
export class WorkspaceFileSource implements FileSource {
  private readonly decoder = new TextDecoder('utf-8');

  async readFile(path: string): Promise<string | undefined> {
    const open = findOpenDocument(path);
    if (open) return open.getText();
    try {
      return this.decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path)));
    } catch {
      return undefined;
    }
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

type ServiceModule = typeof import('./serviceModule');

/**
 * Loads `dist/language-service.js`, which the build writes next to `dist/extension.js`. The path is computed
 * so that esbuild leaves the require alone instead of bundling the service into the extension.
 */
function loadServiceModule(): ServiceModule {
  const file = join(__dirname, 'language-service.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as ServiceModule;
}
