import * as vscode from 'vscode';
import { basename, dirname, extname, isAbsolute, join, relative } from 'node:path';
import { WORKSPACE_KIND_LABELS, type WorkspaceKind } from '../../core/tasks/kinds';
import { actionsFor, type TaskAction } from '../../core/tasks/templates';
import type { Services } from '../services';
import { TASK_SETTINGS, TASK_TYPE, type IacTaskDefinition } from './definition';
import { detectFolderWorkspaces, type FolderWorkspace } from './detect';
import { defaultHost } from './provider';
import { runIacTask, type LastPlans } from './run';

/** What a lens or keybinding passes; every part is optional and asked for when missing. */
export interface ActionTarget {
  /** A file in the workspace: a manifest, a `.tf` file, hosts.nix …; gives the kind and folder. */
  readonly file?: string;
  readonly kind?: WorkspaceKind;
  readonly node?: string;
  readonly host?: string;
  readonly target?: string;
  readonly lockId?: string;
  /** clan: the Terranix workspace (`shared`, a machine's name). */
  readonly workspace?: string;
  /** The workspace's folder (absolute), when the caller knows it (a lock notification). */
  readonly workspaceDir?: string;
}

export const ACTION_COMMANDS: Record<string, TaskAction> = {
  'proxmoxIac.plan': 'plan',
  'proxmoxIac.apply': 'apply',
  'proxmoxIac.destroy': 'destroy',
  'proxmoxIac.test': 'test',
  'proxmoxIac.init': 'init',
  'proxmoxIac.buildTemplate': 'build-template',
  'proxmoxIac.forceUnlock': 'force-unlock',
};

export function registerActionCommands(services: Services, lastPlan?: LastPlans): vscode.Disposable {
  return vscode.Disposable.from(
    ...Object.entries(ACTION_COMMANDS).map(([id, action]) =>
      vscode.commands.registerCommand(id, async (target?: ActionTarget) => {
        const resolved = await resolveTarget(services, action, target ?? {});
        return resolved ? runIacTask(services, resolved.folder, resolved.definition, lastPlan) : undefined;
      }),
    ),
  );
}

function fromFile(file: string, kind: WorkspaceKind | undefined): Omit<FolderWorkspace, 'folder'> & { folder?: vscode.WorkspaceFolder; manifest?: string } {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  const rel = (p: string) => (folder ? relative(folder.uri.fsPath, p).split('\\').join('/') : p);
  const parent = dirname(file);
  if (kind === 'iac-driver' || (kind === undefined && basename(parent) === 'manifests')) {
    return { folder, kind: 'iac-driver', dir: rel(dirname(parent)), manifest: basename(file, extname(file)) };
  }
  if (kind === undefined && /\.(tf|tofu)$/.test(file)) return { folder, kind: 'tofu', dir: rel(parent) };
  if (kind === undefined && basename(file) === 'hosts.nix') return { folder, kind: 'terranix', dir: rel(parent) };
  return { folder, kind: kind ?? 'tofu', dir: rel(parent) };
}

async function resolveTarget(services: Services, action: TaskAction, target: ActionTarget): Promise<{ folder: vscode.WorkspaceFolder; definition: IacTaskDefinition } | undefined> {
  const overrides = services.config.get<Record<string, unknown>>(TASK_SETTINGS.commands, {});
  let ws: (Omit<FolderWorkspace, 'folder'> & { folder?: vscode.WorkspaceFolder; manifest?: string }) | undefined;
  let all: FolderWorkspace[] | undefined;
  const file = target.file ?? activeFile();
  const clan = target.kind === 'clan' || (target.kind === undefined && file !== undefined && isClanSource(file));
  if (clan) {
    const candidates = (await detectFolderWorkspaces()).filter((w) => w.kind === 'clan');
    ws = candidates.find((w) => (target.workspace ? w.workspace === target.workspace : file !== undefined && w.source !== undefined && isSameOrInside(file, join(w.folder.uri.fsPath, w.dir, w.source))) && (!target.workspaceDir || join(w.folder.uri.fsPath, w.dir) === target.workspaceDir));
    if (!ws) all = candidates;
  } else if (target.workspaceDir) {
    ws = fromFile(join(target.workspaceDir, '.'), target.kind);
    ws = { ...ws, dir: ws.folder ? relative(ws.folder.uri.fsPath, target.workspaceDir).split('\\').join('/') : ws.dir };
  } else if (file && (target.file || target.kind)) ws = fromFile(file, target.kind);
  if (!ws?.folder) {
    all = (all ?? (await detectFolderWorkspaces())).filter((w) => actionsFor(w.kind, overrides).includes(action) && (!target.kind || w.kind === target.kind));
    if (all.length === 0) {
      void vscode.window.showInformationMessage(`No workspace here offers "${action}": open a folder with a site-config, OpenTofu/Terraform files, a Terranix flake (flake.nix + hosts.nix) or a Taskfile.`);
      return undefined;
    }
    ws = all.length === 1 ? all[0] : (await vscode.window.showQuickPick(all.map((w) => ({ label: w.workspace ?? (w.dir || w.folder.name), description: WORKSPACE_KIND_LABELS[w.kind], w })), { title: `Where to ${action}?` }))?.w;
    if (!ws) return undefined;
  }
  const folder = ws.folder!;
  let manifest = ws.manifest;
  let host = target.host;
  if (ws.kind === 'iac-driver') {
    const detected = all?.find((w) => w === ws) ?? (await detectFolderWorkspaces()).find((w) => w.kind === 'iac-driver' && w.dir === ws.dir && w.folder === folder);
    if (!manifest) {
      const manifests = detected?.manifests ?? [];
      manifest = manifests.length === 1 ? manifests[0] : await vscode.window.showQuickPick([...manifests], { title: `Which manifest to ${action}?` });
      if (!manifest) return undefined;
    }
    host ??= detected ? defaultHost(detected, services) : services.config.get(TASK_SETTINGS.host, '') || undefined;
    if (!host) {
      host = await vscode.window.showQuickPick([...(detected?.nodes ?? [])], { title: 'Run against which host (site-config node)?', placeHolder: 'Set "Proxmox IaC › Tasks: Host" to skip this question' });
      if (!host) return undefined;
    }
  }
  let lockId = target.lockId;
  if (action === 'force-unlock' && !lockId) {
    lockId = (await vscode.window.showInputBox({ title: 'Force-unlock', prompt: 'The lock ID the failed run printed ("Lock Info: ID: …")' }))?.trim();
    if (!lockId) return undefined;
  }
  const definition: IacTaskDefinition = {
    type: TASK_TYPE,
    kind: ws.kind,
    action,
    dir: ws.dir,
    ...(manifest ? { manifest } : {}),
    ...(target.node ? { node: target.node } : {}),
    ...(host ? { host } : {}),
    ...(target.target ? { target: target.target } : {}),
    ...(lockId ? { lockId } : {}),
    ...(ws.kind === 'clan' && ws.workspace ? { workspace: ws.workspace } : {}),
  };
  return { folder, definition };
}

/** A file that defines a Clan Terranix workspace (seed 001), or a file inside `inventory/infrastructure/`. */
function isClanSource(file: string): boolean {
  const p = file.split('\\').join('/');
  return /\/inventory\/infrastructure\//.test(p) || /\/machines\/[^/]+\/infrastructure\.nix$/.test(p) || /\/hosts\/[^/]+\/terraform-configuration\.nix$/.test(p);
}

function isSameOrInside(file: string, source: string): boolean {
  const rel = relative(source, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function activeFile(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}
