/**
 * Runs a provisioning with progress in a cancellable notification, then shows the IP with "Open SSH
 * Terminal", "Copy IP" and "Reveal in Explorer" (and the write-back). A failure names the step, says what
 * exists now and offers to delete the partial VM (the button is the confirmation of that one deletion).
 */
import * as vscode from 'vscode';
import type { PveApi } from '../../core/pve/api';
import { sshArgv } from '../../core/explorer/links';
import type { ProvisionAnswers } from '../../core/provision/answers';
import { deletePartialVm } from '../../core/provision/cleanup';
import { describePlan, planProvision, type AgentWait } from '../../core/provision/plan';
import { ProvisionStepError, runProvision, type ProvisionResult } from '../../core/provision/run';
import type { TemplateFacts } from '../../core/provision/template';
import { openSshTerminal } from '../ssh/terminal';
import type { Config } from '../util/config';
import { errorMessage } from '../util/log';

export function agentWaitOf(config: Config): AgentWait {
  const t = config.get('provisioning.agentTimeout', 300);
  const i = config.get('provisioning.agentInterval', 5);
  return { timeoutMs: Math.max(5, Number.isFinite(t) ? t : 300) * 1000, intervalMs: Math.max(1, Number.isFinite(i) ? i : 5) * 1000 };
}

export type RunOutcome = { readonly ok: true; readonly result: ProvisionResult } | { readonly ok: false; readonly error: string; readonly step?: string; readonly cleaned?: boolean };

/** The dry run: the API calls, in the log and in a document, none made. */
export async function showDryRun(answers: ProvisionAnswers, facts: TemplateFacts, wait: AgentWait, log: vscode.LogOutputChannel): Promise<string[]> {
  const lines = describePlan(planProvision(answers, facts, wait));
  log.info(`Dry run of provisioning ${answers.name}:\n${lines.join('\n')}`);
  const doc = await vscode.workspace.openTextDocument({ content: [`# Dry run: provisioning "${answers.name}" (VMID ${answers.vmid}) makes these API calls (none was made)`, ...lines, ''].join('\n'), language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: true });
  return lines;
}

export async function provisionWithProgress(
  api: PveApi,
  answers: ProvisionAnswers,
  facts: TemplateFacts,
  wait: AgentWait,
  log: vscode.LogOutputChannel,
  /** No `writeBack` when the VM is already declared (provisioned from its IaC entry): no "Add to IaC File…". */
  after: { reveal: (vmid: number) => Thenable<unknown>; writeBack?: (result: ProvisionResult) => Thenable<unknown> },
): Promise<RunOutcome> {
  const steps = planProvision(answers, facts, wait);
  let outcome: RunOutcome;
  try {
    const result: ProvisionResult = await vscode.window.withProgress<ProvisionResult>(
      { location: vscode.ProgressLocation.Notification, title: `Provisioning ${answers.name} (VMID ${answers.vmid})`, cancellable: true },
      (progress, token) => {
        const ctl = new AbortController();
        const sub = token.onCancellationRequested(() => ctl.abort());
        return runProvision(api, answers, steps, {
          signal: ctl.signal,
          agent: wait,
          onStep: (st, i, phase) => {
            if (phase === 'start') {
              log.info(`Provisioning ${answers.name}: step ${i + 1}/${steps.length} ${st.name}: ${st.title}`);
              progress.report({ message: `${i + 1}/${steps.length} ${st.title}…`, increment: i === 0 ? 0 : 100 / steps.length });
            }
          },
        }).finally(() => {
          sub.dispose();
        });
      },
    );
    outcome = { ok: true, result };
  } catch (err) {
    if (!(err instanceof ProvisionStepError)) {
      log.error(`Provisioning ${answers.name} failed: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(`Provisioning ${answers.name} failed: ${errorMessage(err)}`);
      return { ok: false, error: errorMessage(err) };
    }
    log.error(err.message);
    if (err.leftOver === 'nothing') {
      void vscode.window.showErrorMessage(err.message);
      return { ok: false, error: err.message, step: err.step };
    }
    const del = `Delete Partial VM ${err.vm.vmid}`;
    const choice = await vscode.window.showErrorMessage(err.message, del, 'Keep It');
    if (choice !== del) return { ok: false, error: err.message, step: err.step, cleaned: false };
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting the partial VM ${err.vm.vmid}…` }, () => deletePartialVm(api, err.vm));
      void vscode.window.showInformationMessage(`Deleted the partial VM ${err.vm.vmid}; nothing of "${answers.name}" is left on the cluster.`);
      return { ok: false, error: err.message, step: err.step, cleaned: true };
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not delete VM ${err.vm.vmid}: ${errorMessage(e)} Delete it from the explorer (Delete) or the web UI.`);
      return { ok: false, error: err.message, step: err.step, cleaned: false };
    }
  }
  const r = outcome.result;
  const msg = r.ip ? `VM ${r.vm.vmid} "${r.name}" is running at ${r.ip}.` : `VM ${r.vm.vmid} "${r.name}" is provisioned; no IP: ${r.noIpReason}.`;
  const buttons = [...(r.ip ? ['Open SSH Terminal', 'Copy IP'] : []), 'Reveal in Explorer', ...(after.writeBack ? ['Add to IaC File…'] : [])];
  void vscode.window.showInformationMessage(msg, ...buttons).then(async (b) => {
    if (b === 'Copy IP' && r.ip) {
      await vscode.env.clipboard.writeText(r.ip);
      vscode.window.setStatusBarMessage(`Copied ${r.ip}`, 3000);
    } else if (b === 'Open SSH Terminal' && r.ip) {
      const user = answers.cloudInit?.user;
      await openSshTerminal(r.name, `VM ${r.name}`, sshArgv({ host: r.ip, ...(user ? { user } : {}) }));
    } else if (b === 'Reveal in Explorer') await after.reveal(r.vm.vmid);
    else if (b === 'Add to IaC File…') await after.writeBack?.(r);
  });
  return outcome;
}
