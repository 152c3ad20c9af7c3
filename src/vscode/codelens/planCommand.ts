import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Services } from '../services';
import { reportError } from '../util/log';
import { TASK_PRESENTATION } from '../tasks/definition';
import { extensionScriptExecution, requireTrust } from '../tasks/nodeExecution';

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
      if (!(await requireTrust("Showing the resolved configuration runs the proxmox-iac command line on this workspace's files"))) return undefined;
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
  const args = ['resolve', '--site-config', siteConfig, '--manifest', manifest, ...(nodeName ? ['--node', nodeName] : [])];
  const execution = extensionScriptExecution(cli, args, siteConfig);
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(manifestPath));
  const task = new vscode.Task(definition, folder ?? vscode.TaskScope.Workspace, nodeName ? `Plan ${manifest} / ${nodeName}` : `Plan ${manifest}`, 'Proxmox IaC', execution, []);
  task.presentationOptions = TASK_PRESENTATION;
  return task;
}

function activeManifestPath(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme !== 'file') return undefined;
  return basename(dirname(uri.fsPath)) === 'manifests' && /\.ya?ml$/i.test(uri.fsPath) ? uri.fsPath : undefined;
}
