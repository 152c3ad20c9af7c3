import * as vscode from 'vscode';
import { detectWorkspaces, type DetectedWorkspace } from '../../core/tasks/kinds';

/** Files that tell a workspace kind apart (see core/tasks/kinds.ts). */
const MARKERS = '**/{*.tf,*.tofu,flake.nix,hosts.nix,Taskfile.yml,Taskfile.yaml,taskfile.yml,taskfile.yaml,site.yaml,site.yaml.example,manifests/*.yaml,manifests/*.yml,nodes/*.yaml}';
/** Clan + Terranix workspaces (seed 001), in their own searches: nested paths inside one brace group are not matched reliably. */
const CLAN_MARKERS = ['**/inventory/infrastructure/**/*.nix', '**/machines/*/infrastructure.nix', '**/hosts/*/terraform-configuration.nix'];
const EXCLUDE = '**/{node_modules,.terraform,.git,.direnv}/**';

export interface FolderWorkspace extends DetectedWorkspace {
  readonly folder: vscode.WorkspaceFolder;
}

/** Every workspace of every kind in the open folders (several may share a folder or sit in sub-folders). */
export async function detectFolderWorkspaces(token?: vscode.CancellationToken): Promise<FolderWorkspace[]> {
  const out: FolderWorkspace[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uris = (await Promise.all([MARKERS, ...CLAN_MARKERS].map((glob) => vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), EXCLUDE, 5000, token)))).flat();
    if (token?.isCancellationRequested) return [];
    const rel = uris.map((u) => vscode.workspace.asRelativePath(u, false));
    out.push(...detectWorkspaces(rel).map((w) => ({ ...w, folder })));
  }
  return out;
}
