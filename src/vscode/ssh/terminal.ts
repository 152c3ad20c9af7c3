import * as vscode from 'vscode';
import { checkSshReachable } from '../../core/ssh/reachable';

/**
 * Opens an integrated terminal running `ssh` with `sshArgs` (an argv array: nothing is typed into a shell),
 * after checking that the target can be reached at all. When it cannot, the user gets one sentence saying
 * why and how to fix it instead of a terminal that ends with "exit code 255".
 */
export async function openSshTerminal(title: string, label: string, sshArgs: readonly string[]): Promise<vscode.Terminal | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Opening an SSH terminal is not available in an untrusted workspace. Trust the workspace first.');
    return undefined;
  }
  const check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Checking that ${label} is reachable over SSH…` }, () =>
    checkSshReachable(label, sshArgs),
  );
  if (!check.ok) {
    void vscode.window.showWarningMessage(check.reason);
    return undefined;
  }
  const terminal = vscode.window.createTerminal({ name: `SSH ${title}`, shellPath: 'ssh', shellArgs: [...sshArgs] });
  terminal.show();
  return terminal;
}
