import * as vscode from 'vscode';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundedText } from '../../core/fs/boundedRead';
import { describeFileLock } from '../../core/tasks/fileLock';
import { clanStateDir } from '../../core/tasks/kinds';
import { lockTimeText, planSummaryText, type PlanSummary, type RunReport, type StateLock } from '../../core/tasks/toolOutput';
import type { Services } from '../services';
import { Disposable } from '../util/dispose';
import { reportError } from '../util/log';
import { workspaceDirOf } from './buildTask';
import { TASK_TYPE, type IacTaskDefinition } from './definition';
import type { PlanDocuments } from './planDocument';
import { changedStateFile, commitStateFile } from './stateCommit';

export const SHOW_PLAN = 'Show Plan';
export const FORCE_UNLOCK = 'Force Unlock…';
export const COMMIT_STATE = 'Commit State';

type FileStateLock = StateLock & { readonly file?: boolean };

/**
 * What happens when one of our tool tasks ends: the runner's report (src/runner/) is read and turned into
 * what the user needs next — the plan's summary with "Show Plan", a held state lock with its owner and
 * "Force Unlock…", and after a Clan apply the offer to commit the changed state file.
 */
export class RunReports extends Disposable {
  /** The last plan summary of each workspace (folder path), for the apply confirmation. */
  private readonly lastPlans = new Map<string, PlanSummary>();

  constructor(
    private readonly services: Services,
    private readonly plans: PlanDocuments,
  ) {
    super();
    this._register(vscode.tasks.onDidEndTaskProcess((e) => void this.ended(e)));
  }

  lastPlan(workspaceDir: string): PlanSummary | undefined {
    return this.lastPlans.get(workspaceDir);
  }

  private async ended(e: vscode.TaskProcessEndEvent): Promise<void> {
    const task = e.execution.task;
    const d = task.definition as Partial<IacTaskDefinition>;
    if (d.type !== TASK_TYPE || !(task.execution instanceof vscode.ProcessExecution) || typeof task.scope !== 'object') return;
    const args = task.execution.args;
    const at = args.indexOf('--report');
    if (at < 0 || !args[at + 1]) return;
    const file = args[at + 1];
    let report: RunReport & { lock?: FileStateLock };
    try {
      const text = await readBoundedText(file);
      if (text === undefined) return;
      report = JSON.parse(text) as RunReport;
    } catch (err) {
      this.services.log.warn(`The report of "${task.name}" could not be read: ${String(err)}`);
      return;
    } finally {
      rmSync(file, { force: true });
    }
    const def = d as IacTaskDefinition;
    const folder = task.scope;
    const wsDir = workspaceDirOf(folder, def.dir);
    const label = def.kind === 'clan' ? (def.workspace ?? def.dir) : def.dir || folder.name;
    this.services.log.info(`"${task.name}" ended with ${e.exitCode ?? 'no exit code'}${report.plan ? `; plan: ${planSummaryText(report.plan)}` : ''}${report.lock ? `; state locked (${report.lock.id})` : ''}`);
    if (report.lock) {
      await this.showLock(def, wsDir, label, report.lock);
      return;
    }
    if (def.action === 'plan' && e.exitCode === 0 && (report.plan || report.noChanges)) {
      if (report.plan) this.lastPlans.set(wsDir, report.plan);
      else this.lastPlans.delete(wsDir);
      await this.showPlan(label, report);
      return;
    }
    if (def.action === 'apply' || def.action === 'destroy') this.lastPlans.delete(wsDir);
    if (def.kind === 'clan' && (def.action === 'apply' || def.action === 'destroy') && e.exitCode === 0 && def.workspace) await this.offerCommit(wsDir, def.workspace);
  }

  private async showPlan(label: string, report: RunReport): Promise<void> {
    const summary = report.plan ? `Plan of ${label}: ${planSummaryText(report.plan)}.` : `Plan of ${label}: no changes, the infrastructure matches the configuration.`;
    const choice = await vscode.window.showInformationMessage(summary, ...(report.planText ? [SHOW_PLAN] : []));
    if (choice !== SHOW_PLAN || !report.planText) return;
    const uri = this.plans.set(label, report.planText);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  private async showLock(d: IacTaskDefinition, wsDir: string, label: string, lock: FileStateLock): Promise<void> {
    const owner = lock.file
      ? describeFileLock({ who: lock.who ?? 'unknown', operation: lock.operation ?? 'unknown', created: lock.created ?? 'unknown' })
      : `held by ${lock.who ?? 'an unknown owner'}${lock.operation ? ` for ${lock.operation.replace(/^OperationType/, '').toLowerCase()}` : ''}${lock.created ? ` since ${lockTimeText(lock.created)}` : ''}`;
    const choice = await vscode.window.showWarningMessage(
      `The state of ${label} is locked (${owner}; lock ID ${lock.id}). Wait for that run to finish; force-unlock only if it is dead.`,
      FORCE_UNLOCK,
    );
    if (choice !== FORCE_UNLOCK) return;
    if (lock.file && lock.path) {
      const typed = await vscode.window.showInputBox({
        title: 'Force-unlock the state',
        prompt: `Removing the lock ${lock.id} lets another run write the state at the same time as its owner (${lock.who ?? 'unknown'}). Type the lock ID to confirm.`,
        ignoreFocusOut: true,
      });
      if (typed?.trim() !== lock.id) return;
      rmSync(lock.path, { force: true });
      void vscode.window.showInformationMessage(`The lock of ${label} is removed; run the plan or apply again.`);
      return;
    }
    // The tool's own force-unlock, behind the typed confirmation of proxmoxIac.forceUnlock.
    await vscode.commands.executeCommand('proxmoxIac.forceUnlock', { kind: d.kind, workspaceDir: wsDir, lockId: lock.id, ...(d.workspace ? { workspace: d.workspace } : {}) });
  }

  private async offerCommit(repoDir: string, workspace: string): Promise<void> {
    const file = await changedStateFile(repoDir, clanStateDir(workspace));
    if (!file) return;
    const choice = await vscode.window.showInformationMessage(`The state of ${workspace} changed: commit ${file} to git?`, COMMIT_STATE);
    if (choice !== COMMIT_STATE) return;
    try {
      await commitStateFile(repoDir, file, `terraform-state: apply ${workspace}`);
      void vscode.window.showInformationMessage(`Committed ${file}.`);
    } catch (err) {
      await reportError(this.services.log, `Committing ${join(repoDir, file)} failed`, err);
    }
  }
}
