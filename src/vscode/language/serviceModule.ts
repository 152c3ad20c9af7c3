/**
 * Entry of `dist/language-service.js`: the IaC language service with Nix support, bundled apart from
 * `dist/extension.js` and required on first use. yaml, ajv, the schemas and the Nix runner (~500 KB) are
 * then neither parsed nor run while the extension activates. Never imports `vscode`.
 */
import type { FileSource, IacLanguageService } from '../../core/validate/api';
import { createLanguageService } from '../../core/validate/service';
import { clearNixEvalCache, declaredGuestsFromNix, nixCodeFixes, nixHover, validateNixFile } from '../../core/iac/nix/index';

// Provisioning's YAML work (write-back into manifests, size presets) rides in this bundle, which has yaml.
export { addManifestNodeEdit, manifestNodeNames } from '../../core/provision/writeback/manifest';
export { presetSize } from '../../core/provision/presets';
export { answersFromResolved, resolveManifestNode, templateForImage } from '../../core/provision/fromManifest';
export { addTalosNode, existingSchematicId } from '../../core/provision/writeback/talos';
export { minimalEdit } from '../../core/provision/writeback/textEdit';

export interface EditorServiceOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly workspaceRoots: readonly string[];
}

/**
 * The service the editor features use. Nix evaluation runs workspace code: the caller asks about Nix files
 * only in trusted workspaces.
 */
export function createEditorLanguageService(files: FileSource, options: EditorServiceOptions): IacLanguageService {
  const service = createLanguageService(files, {
    env: options.env,
    workspaceRoots: options.workspaceRoots,
    nix: {
      validate: (path, text, opts) =>
        validateNixFile(path, text, {
          readFile: (p) => files.readFile(p),
          workspaceRoots: options.workspaceRoots,
          ...(opts?.signal ? { signal: opts.signal } : {}),
          ...(opts?.vmidRanges ? { vmidRanges: opts.vmidRanges } : {}),
        }),
      declaredGuests: (path, text) => declaredGuestsFromNix(path, text, { workspaceRoots: options.workspaceRoots }),
    },
  });
  return {
    detectFormat: (p) => service.detectFormat(p),
    validate: (p, t, o) => service.validate(p, t, o),
    // The YAML service leaves Nix hovers to the Nix module (host and VM summaries from the evaluation).
    hover: (p, t, pos) => (/\.nix$/i.test(p) ? nixHover(p, t, pos, { workspaceRoots: options.workspaceRoots }) : service.hover(p, t, pos)),
    completions: (p, t, pos) => service.completions(p, t, pos),
    definition: (p, t, pos) => service.definition(p, t, pos),
    codeFixes: (p, t, r, d) => (/\.nix$/i.test(p) ? Promise.resolve(nixCodeFixes(r, d)) : service.codeFixes(p, t, r, d)),
    lensTargets: (p, t) => service.lensTargets(p, t),
    declaredGuests: (roots) => service.declaredGuests(roots),
    invalidate: (p) => {
      if (/\.nix$/i.test(p)) clearNixEvalCache();
      service.invalidate(p);
    },
  };
}
