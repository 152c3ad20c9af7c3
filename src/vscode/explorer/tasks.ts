import * as vscode from 'vscode';
import type { PveApi } from '../../core/pve/api';
import type { TaskResult } from '../../core/pve/types';
import { Disposable } from '../util/dispose';
import { showErrorWithFix } from '../errors/showError';
import { errorMessage } from '../util/log';

export interface TaskOutcome {
  /** The server's result; undefined when the user stopped following or starting failed. */
  readonly result?: TaskResult;
  readonly cancelled: boolean;
  readonly error?: unknown;
}

/**
 * Runs a Proxmox task (anything that answers with a UPID) under a cancellable progress notification,
 * follows it to its end, and reports a clear result. Counts running tasks for the status bar.
 */
export class TaskRunner extends Disposable {
  private running = 0;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<number>());
  readonly onDidChange = this._onDidChange.event;
  /** Every finished task, newest last (tests read it). */
  readonly history: { title: string; upid?: string; ok: boolean; exitstatus: string }[] = [];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** What a fix applies to when a task fails ("Re-enter Token" for the task's connection, not a picker). */
    private readonly fixArgOf: (api: PveApi) => unknown = () => undefined,
  ) {
    super();
  }

  get count(): number {
    return this.running;
  }

  async run(api: PveApi, title: string, start: (signal: AbortSignal) => Promise<string | null>, doneMessage: string): Promise<TaskOutcome> {
    this.running++;
    this._onDidChange.fire(this.running);
    const controller = new AbortController();
    let upid: string | null = null;
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (progress, token): Promise<TaskOutcome> => {
          token.onCancellationRequested(() => controller.abort());
          upid = await start(controller.signal);
          if (upid === null) return { result: { upid: '', ok: true, exitstatus: 'OK' }, cancelled: false };
          this.log.info(`${title}: task ${upid}`);
          let last = 0;
          const result = await api.waitForTask(upid, {
            signal: controller.signal,
            onProgress: (status, elapsedMs) => {
              const seconds = Math.floor(elapsedMs / 1000);
              if (seconds !== last) {
                last = seconds;
                progress.report({ message: `${status.status === 'running' ? 'running' : 'finishing'} (${seconds} s)` });
              }
            },
          });
          return { result, cancelled: false };
        },
      );
      const r = outcome.result!;
      this.history.push({ title, upid: upid ?? undefined, ok: r.ok, exitstatus: r.exitstatus });
      if (r.ok) {
        const warn = r.exitstatus !== 'OK' ? ` (${r.exitstatus})` : '';
        void vscode.window.showInformationMessage(`${doneMessage}${warn}`);
      } else {
        this.log.error(`${title} failed: ${r.exitstatus}\n${(r.log ?? []).join('\n')}`);
        void this.showFailure(`${title} failed: ${r.exitstatus}. The last lines of the task log are in the Proxmox IaC log.`);
      }
      return outcome;
    } catch (err) {
      if (controller.signal.aborted) {
        this.history.push({ title, upid: upid ?? undefined, ok: false, exitstatus: 'cancelled' });
        void vscode.window.showWarningMessage(
          upid
            ? `Stopped following "${title}". The task keeps running on the server; see its task list for the result.`
            : `"${title}" was cancelled before the server started it.`,
        );
        return { cancelled: true };
      }
      this.history.push({ title, upid: upid ?? undefined, ok: false, exitstatus: errorMessage(err) });
      const commandArg = this.fixArgOf(api);
      void showErrorWithFix(this.log, `${title} failed`, err, commandArg !== undefined ? { commandArg } : {});
      return { cancelled: false, error: err };
    } finally {
      this.running--;
      this._onDidChange.fire(this.running);
    }
  }

  private async showFailure(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show Log');
    if (choice === 'Show Log') this.log.show(true);
  }
}
