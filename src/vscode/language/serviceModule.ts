/**
 * The IaC language service with Nix support, as the editor uses it inside the language worker
 * (serviceWorker.ts). Never imports `vscode`.
 */
import type { FileSource, IacLanguageService } from '../../core/validate/api';
import { createLanguageService } from '../../core/validate/service';
import { LIVE_VMID_CONFLICT, liveConflictFixes } from '../../core/validate/liveConflicts';
import { clearNixEvalCache, nixCodeFixes, nixHover } from '../../core/iac/nix/index';
import { nixSupport } from '../../core/validate/nixSupport';

export interface EditorServiceOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly workspaceRoots: readonly string[];
  /**
   * Nix evaluation runs workspace code: only in a trusted workspace. The host asks about Nix files only
   * when trusted; this is the second lock on the same door.
   */
  readonly trusted: boolean;
}

const isNix = (p: string): boolean => /\.nix$/i.test(p);

export function createEditorLanguageService(files: FileSource, options: EditorServiceOptions): IacLanguageService {
  const service = createLanguageService(files, {
    env: options.env,
    workspaceRoots: options.workspaceRoots,
    ...(options.trusted ? { nix: nixSupport(files, options.workspaceRoots) } : {}),
  });
  return {
    detectFormat: (p) => service.detectFormat(p),
    validate: (p, t, o) => service.validate(p, t, o),
    // The YAML service leaves Nix hovers to the Nix module (host and VM summaries from the evaluation).
    hover: (p, t, pos) => (isNix(p) ? (options.trusted ? nixHover(p, t, pos, { workspaceRoots: options.workspaceRoots }) : Promise.resolve(undefined)) : service.hover(p, t, pos)),
    completions: (p, t, pos) => service.completions(p, t, pos),
    definition: (p, t, pos) => service.definition(p, t, pos),
    codeFixes: async (p, t, r, d) => {
      // Live VMID conflicts have their own fix ("Use the next free VMID …") in every kind of file.
      const rest = d.filter((x) => x.code !== LIVE_VMID_CONFLICT);
      const own = isNix(p) ? nixCodeFixes(r, rest) : await service.codeFixes(p, t, r, rest);
      return [...liveConflictFixes(r, d), ...own];
    },
    lensTargets: (p, t) => service.lensTargets(p, t),
    declaredGuests: (roots) => service.declaredGuests(roots),
    invalidate: (p) => {
      if (isNix(p)) clearNixEvalCache();
      service.invalidate(p);
    },
  };
}
