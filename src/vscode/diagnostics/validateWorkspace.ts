import * as vscode from 'vscode';
import type { Services } from '../services';
import type { IacDiagnostics, WorkspaceValidationSummary } from './iacDiagnostics';
import { validationEnabled, VALIDATION_SETTINGS } from './options';

export const VALIDATE_WORKSPACE_COMMAND = 'proxmoxIac.validateWorkspace';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "12 files, 0 errors, 3 warnings": what a workspace validation found. */
export function summaryText(s: WorkspaceValidationSummary): string {
  return `${plural(s.files, 'IaC file')} checked: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}.`;
}

/**
 * "Proxmox: Validate IaC Files in Workspace": re-validates every IaC file (after a git pull, say) with a
 * progress notification ("7 of 12 files"), then says what the Problems panel now holds, with "Show
 * Problems" when there is something to look at. Resolves to the summary (for tests and other commands).
 */
export function registerValidateWorkspaceCommand(services: Services, diagnostics: IacDiagnostics): vscode.Disposable {
  return vscode.commands.registerCommand(VALIDATE_WORKSPACE_COMMAND, async (): Promise<WorkspaceValidationSummary | undefined> => {
    if (!validationEnabled(services.config)) {
      const open = 'Open Settings';
      const choice = await vscode.window.showInformationMessage(
        'IaC validation is turned off. Turn on "Proxmox IaC › Validation: Enabled" to check the workspace.',
        open,
      );
      if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', `proxmoxIac.${VALIDATION_SETTINGS.enabled}`);
      return undefined;
    }
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Validating IaC files in the workspace' },
      (progress) => {
        let reported = 0;
        return diagnostics.validateWorkspace((done, total) => {
          if (total === 0) return;
          const percent = (done / total) * 100;
          progress.report({ message: `${done} of ${plural(total, 'file')}`, increment: percent - reported });
          reported = percent;
        });
      },
    );
    services.log.info(`Validate IaC Files in Workspace: ${summaryText(summary)}`);
    if (summary.files === 0) {
      void vscode.window.showInformationMessage('No IaC files found in this workspace (manifests, site-config, hosts.nix, talos cluster.yaml / nodes.yaml).');
      return summary;
    }
    const show = 'Show Problems';
    const problems = summary.errors + summary.warnings > 0;
    // Not awaited: the command is done; the notification stays until the user answers or closes it.
    void (problems ? vscode.window.showWarningMessage(summaryText(summary), show) : vscode.window.showInformationMessage(summaryText(summary))).then((choice) => {
      if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return summary;
  });
}
