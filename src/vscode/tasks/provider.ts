import * as vscode from 'vscode';
import { actionsFor, DESTRUCTIVE_ACTIONS, type TaskAction } from '../../core/tasks/templates';
import { isSafeName } from '../../core/tasks/names';
import type { Services } from '../services';
import { buildTask, taskLabel, workspaceDirOf } from './buildTask';
import type { FlakeApps } from '../../core/tasks/flakeApps';
import { flakeAppsOf } from './flakeApps';
import { runIacTask, type LastPlans } from './run';
import { TASK_SETTINGS, TASK_TYPE, type IacTaskDefinition } from './definition';
import { detectFolderWorkspaces, type FolderWorkspace } from './detect';

/**
 * Terminal → Run Task: every workspace kind's tasks. Nothing is listed in an untrusted workspace, nor a task
 * whose tool is missing (a listed task cannot explain itself before its terminal opens; the palette commands
 * and lenses say what to install). Apply and destroy listed here first ask in a dialog (see `confirmingTask`).
 */
export class IacTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly services: Services,
    private readonly lastPlan?: LastPlans,
  ) {}

  async provideTasks(token: vscode.CancellationToken): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return [];
    const tasks: vscode.Task[] = [];
    for (const ws of await detectFolderWorkspaces(token)) {
      const apps = ws.kind === 'terranix' ? await flakeAppsOf(workspaceDirOf(ws.folder, ws.dir), this.services.log) : undefined;
      if (token.isCancellationRequested) return [];
      for (const d of definitionsFor(ws, this.services, apps)) {
        const built = buildTask(ws.folder, d, this.services, false, apps);
        if (built.task) tasks.push(DESTRUCTIVE_ACTIONS.has(d.action) ? confirmingTask(ws.folder, d, this.services, this.lastPlan, built.task.detail) : built.task);
      }
    }
    return tasks;
  }

  /** A `proxmox-iac` task from tasks.json. */
  async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const d = task.definition as IacTaskDefinition;
    const apps = d.kind === 'terranix' ? await flakeAppsOf(workspaceDirOf(folder, d.dir), this.services.log) : undefined;
    const built = buildTask(folder, d, this.services, false, apps);
    if (built.task) return DESTRUCTIVE_ACTIONS.has(d.action) ? confirmingTask(folder, d, this.services, this.lastPlan) : built.task;
    this.services.log.warn(`tasks.json task "${task.name}" cannot run: ${built.problem}`);
    void vscode.window.showErrorMessage(built.problem);
    return undefined;
  }
}

function definitionsFor(ws: FolderWorkspace, services: Services, apps?: FlakeApps): IacTaskDefinition[] {
  const overrides = services.config.get<Record<string, unknown>>(TASK_SETTINGS.commands, {});
  // force-unlock needs a lock ID, which only the command asks for.
  const actions = actionsFor(ws.kind, overrides, apps).filter((a) => a !== 'force-unlock');
  const base = { type: TASK_TYPE, kind: ws.kind, dir: ws.dir } as const;
  if (ws.kind === 'clan') return ws.workspace ? actions.map((action: TaskAction) => ({ ...base, action, workspace: ws.workspace })) : [];
  if (ws.kind !== 'iac-driver') return actions.map((action: TaskAction) => ({ ...base, action }));
  const host = defaultHost(ws, services);
  if (!host) return [];
  return (ws.manifests ?? [])
    .filter(isSafeName)
    .flatMap((manifest) => actions.map((action) => ({ ...base, action, manifest, host })));
}

/** The host iac-driver runs against when none is chosen: the setting, else the site-config's only node. */
export function defaultHost(ws: FolderWorkspace, services: Services): string | undefined {
  const configured = services.config.get(TASK_SETTINGS.host, '').trim();
  if (configured) return configured;
  return ws.nodes?.length === 1 ? ws.nodes[0] : undefined;
}

/**
 * A destructive task as Run Task lists it: a ProcessExecution cannot ask first, so this entry only asks (the
 * same dialog as the commands) and then starts the real ProcessExecution task in its own terminal.
 */
function confirmingTask(folder: vscode.WorkspaceFolder, d: IacTaskDefinition, services: Services, lastPlan?: LastPlans, detail?: string): vscode.Task {
  const execution = new vscode.CustomExecution(() => {
    const done = new vscode.EventEmitter<number>();
    const write = new vscode.EventEmitter<string>();
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: done.event,
      open: () => {
        write.fire(`Confirm "${taskLabel(d)}" in the dialog…\r\n`);
        void runIacTask(services, folder, d, lastPlan).then(
          (started) => done.fire(started ? 0 : 1),
          () => done.fire(1),
        );
      },
      close: () => undefined,
    };
    return Promise.resolve(pty);
  });
  const task = new vscode.Task(d, folder, taskLabel(d), 'Proxmox IaC', execution, []);
  if (detail !== undefined) task.detail = detail;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, panel: vscode.TaskPanelKind.Dedicated, showReuseMessage: false };
  return task;
}
