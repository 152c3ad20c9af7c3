import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Services } from '../services';
import { reportError } from '../util/log';

export const PLAN_NODE_COMMAND = 'proxmoxIac.planNode';
/** Task type of the plan tasks (contributed in package.json `taskDefinitions`). */
export const PLAN_TASK_TYPE = 'proxmoxIac-plan';

export interface PlanTaskDefinition extends vscode.TaskDefinition {
  readonly type: typeof PLAN_TASK_TYPE;
  readonly manifest: string;
  readonly siteConfig: string;
  readonly node?: string;
}

/**
 * "Plan this node": runs `proxmox-iac resolve` for a manifest (and one node of it) as a real VS Code task, so
 * its output lands in the terminal panel and `tasks.onDidEndTaskProcess` reports the exit code. The CLI prints
 * the resolved per-node configuration, which is what a dry plan can show without touching a cluster.
 */
export function registerPlanCommand(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    PLAN_NODE_COMMAND,
    async (manifestPath?: string, nodeName?: string): Promise<vscode.TaskExecution | undefined> => {
      manifestPath ??= activeManifestPath();
      if (!manifestPath) {
        void vscode.window.showInformationMessage('Open a manifest (manifests/NAME.yaml) to plan it, or use the "Plan this node" lens above a node.');
        return undefined;
      }
      if (!vscode.workspace.isTrusted) {
        const manage = 'Manage Workspace Trust';
        const choice = await vscode.window.showWarningMessage(
          'Planning runs the proxmox-iac command line on this workspace\'s files, which is off in an untrusted workspace. Trust the workspace to plan.',
          manage,
        );
        if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
        return undefined;
      }
      const cli = join(services.context.extensionPath, 'dist', 'cli.js');
      if (!existsSync(cli)) {
        await reportError(services.log, 'Planning is unavailable', new Error(`the extension's command line (${cli}) is missing; reinstall the Proxmox IaC extension.`));
        return undefined;
      }
      try {
        return await vscode.tasks.executeTask(createPlanTask(cli, manifestPath, nodeName));
      } catch (err) {
        await reportError(services.log, 'The plan task could not start', err);
        return undefined;
      }
    },
  );
}

/** The site-config folder of a manifest: manifests live in `<site-config>/manifests/`. */
export function siteConfigOf(manifestPath: string): string {
  const folder = dirname(manifestPath);
  return basename(folder) === 'manifests' ? dirname(folder) : folder;
}

export function createPlanTask(cli: string, manifestPath: string, nodeName?: string): vscode.Task {
  const manifest = basename(manifestPath, extname(manifestPath));
  const siteConfig = siteConfigOf(manifestPath);
  const definition: PlanTaskDefinition = { type: PLAN_TASK_TYPE, manifest, siteConfig, ...(nodeName ? { node: nodeName } : {}) };
  const args = [cli, 'resolve', '--site-config', siteConfig, '--manifest', manifest, ...(nodeName ? ['--node', nodeName] : [])];
  // The extension host's own runtime runs the CLI: users need no separate Node.js on PATH. In desktop VS Code
  // that runtime is Electron, which behaves as Node with ELECTRON_RUN_AS_NODE. A ProcessExecution starts the
  // program directly with this argv: no shell ever reads a node or file name (ShellExecution quotes only
  // arguments that contain a space, so `a;touch${IFS}x` or `n$(id).yaml` would run as commands).
  const execution = new vscode.ProcessExecution(process.execPath, args, { cwd: siteConfig, env: { ELECTRON_RUN_AS_NODE: '1' } });
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(manifestPath));
  const task = new vscode.Task(definition, folder ?? vscode.TaskScope.Workspace, nodeName ? `Plan ${manifest} / ${nodeName}` : `Plan ${manifest}`, 'Proxmox IaC', execution, []);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false };
  return task;
}

function activeManifestPath(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme !== 'file') return undefined;
  return basename(dirname(uri.fsPath)) === 'manifests' && /\.ya?ml$/i.test(uri.fsPath) ? uri.fsPath : undefined;
}
