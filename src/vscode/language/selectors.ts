import type * as vscode from 'vscode';

/**
 * Where IaC files live. These globs only narrow what VS Code hands us; the language service's
 * `detectFormat` has the final word on whether a file is ours.
 */
export const IAC_FILE_GLOBS: readonly string[] = [
  '**/manifests/*.{yaml,yml}',
  '**/{site,secrets}.{yaml,yml}',
  '**/{site,secrets}.yaml.example',
  '**/{specs,presets,postures,nodes,hosts,envs,vms}/**/*.{yaml,yml}',
  '**/{cluster,nodes}.{yaml,yml}',
  '**/{cluster,nodes}.sample.{yaml,yml}',
  '**/hosts.nix',
  '**/vms/definitions.nix',
];

/** Language features apply to files on disk (and only those the globs match), whatever language mode they have. */
export const IAC_DOCUMENT_SELECTOR: vscode.DocumentFilter[] = IAC_FILE_GLOBS.map((pattern) => ({ scheme: 'file', pattern }));

/** One glob for the workspace scan and the file watcher. */
export const IAC_SCAN_GLOB = '**/*.{yaml,yml,nix,example}';

/** Folders never worth scanning for IaC files. */
export const IAC_SCAN_EXCLUDE = '**/{node_modules,.git,.direnv,result,dist,out,.vscode-test}/**';

/** A cheap test before the language service is loaded: could this path be an IaC file at all? */
export function mayBeIacPath(path: string): boolean {
  return /\.(ya?ml|nix|yaml\.example)$/i.test(path) && !/[\\/](node_modules|\.git)[\\/]/.test(path);
}

/** Nix files are evaluated with nix-instantiate, which runs code from the workspace. */
export function isNixPath(path: string): boolean {
  return /\.nix$/i.test(path);
}
