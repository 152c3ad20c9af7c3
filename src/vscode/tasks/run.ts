import * as vscode from 'vscode';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DESTRUCTIVE_ACTIONS } from '../../core/tasks/templates';
import type { Services } from '../services';
import { reportError } from '../util/log';
import { buildTask, PLAN_FILE, taskLabel, workspaceDirOf } from './buildTask';
import { TASK_TYPE, type IacTaskDefinition } from './definition';
import { requireTrust } from './nodeExecution';
import { flakeAppsOf } from './flakeApps';
import { planSummaryText, type PlanSummary } from '../../core/tasks/toolOutput';

const OPEN_SETTINGS = 'Open Settings';

/**
 * Runs one action the way every entry point (palette command, lens, destructive Run Task entry) must: nothing
 * in an untrusted workspace, one sentence instead of a terminal when the tool is missing, a confirmation naming
 * what changes before apply, destroy or force-unlock, and never two of those at once on one workspace.
 */
/** The last plan's summary of a workspace folder (absolute path), when one was seen (see ./runReports.ts). */
export type LastPlans = (workspaceDir: string) => PlanSummary | undefined;

export async function runIacTask(services: Services, folder: vscode.WorkspaceFolder, d: IacTaskDefinition, lastPlan?: LastPlans): Promise<vscode.TaskExecution | undefined> {
  if (!(await requireTrust('Tasks run programs from this workspace (iac-driver, OpenTofu/Terraform, Nix, Task)'))) return undefined;
  const destructive = DESTRUCTIVE_ACTIONS.has(d.action);
  if (destructive) {
    const busy = runningDestructive(folder, d.dir);
    if (busy) {
      void vscode.window.showWarningMessage(`"${busy}" is still running on this workspace; run "${taskLabel(d)}" when it has finished.`);
      return undefined;
    }
  }
  const apps = d.kind === 'terranix' ? await flakeAppsOf(workspaceDirOf(folder, d.dir), services.log) : undefined;
  const built = buildTask(folder, d, services, destructive, apps);
  if (!built.task) {
    const choice = await vscode.window.showErrorMessage(built.problem, OPEN_SETTINGS);
    if (choice === OPEN_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', 'proxmoxIac.tasks');
    return undefined;
  }
  if (destructive && !(await confirm(folder, d, lastPlan))) return undefined;
  try {
    return await vscode.tasks.executeTask(built.task);
  } catch (err) {
    await reportError(services.log, `"${taskLabel(d)}" could not start`, err);
    return undefined;
  }
}

/** The label of an apply/destroy/force-unlock already running on the same workspace folder, if any. */
function runningDestructive(folder: vscode.WorkspaceFolder, dir: string): string | undefined {
  const same = vscode.tasks.taskExecutions.find((e) => {
    const def = e.task.definition as Partial<IacTaskDefinition>;
    const scope = e.task.scope;
    // Only the real run counts, not the Run Task entry that is asking for confirmation right now.
    if (!(e.task.execution instanceof vscode.ProcessExecution)) return false;
    return def.type === TASK_TYPE && def.action !== undefined && DESTRUCTIVE_ACTIONS.has(def.action) && def.dir === dir && typeof scope === 'object' && scope.uri.toString() === folder.uri.toString();
  });
  return same?.task.name;
}

function whatChanges(folder: vscode.WorkspaceFolder, d: IacTaskDefinition): string {
  const where = d.kind === 'iac-driver' ? `${d.node ? `node ${d.node} of ` : ''}manifest ${d.manifest ?? '?'} on host ${d.host ?? '?'}` : `${d.dir || folder.name}${d.target ? ` (only ${d.target})` : ''}`;
  if (d.action === 'destroy') return `Destroy ${where}? Every guest it manages is deleted.`;
  if (d.kind === 'tofu' && d.action === 'apply') {
    const plan = join(workspaceDirOf(folder, d.dir), PLAN_FILE);
    if (existsSync(plan)) return `Apply the saved plan of ${where} (planned ${new Date(statSync(plan).mtimeMs).toLocaleString()})? It makes exactly the changes that plan showed.`;
    return `Apply ${where}? No saved plan exists, so the changes are computed now and applied without another question.`;
  }
  return `Apply ${where}? Guests are created or changed to match it.`;
}

async function confirm(folder: vscode.WorkspaceFolder, d: IacTaskDefinition, lastPlan?: LastPlans): Promise<boolean> {
  if (d.action === 'force-unlock') {
    // A typed confirmation: removing someone else's lock can corrupt the state.
    const typed = await vscode.window.showInputBox({
      title: 'Force-unlock the state',
      prompt: `Removing the lock ${d.lockId ?? ''} lets another run write the state at the same time as its owner. Type the lock ID to confirm.`,
      ignoreFocusOut: true,
    });
    return typed !== undefined && typed.trim() === d.lockId;
  }
  const verb = d.action === 'destroy' ? 'Destroy' : 'Apply';
  const planned = d.action === 'apply' && !d.target ? lastPlan?.(workspaceDirOf(folder, d.dir)) : undefined;
  const question = whatChanges(folder, d) + (planned ? ` The last plan: ${planSummaryText(planned)}.` : '');
  const choice = await vscode.window.showWarningMessage(question, { modal: true }, verb);
  return choice === verb;
}
