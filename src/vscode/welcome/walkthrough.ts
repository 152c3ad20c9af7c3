import * as vscode from 'vscode';

/** The walkthrough contributed in package.json (`contributes.walkthroughs`), as VS Code names it. */
export const WALKTHROUGH_ID = 'proxmox-iac.proxmox-iac#proxmoxIac.gettingStarted';

/** Shows the Proxmox view and the "Get Started with Proxmox IaC" walkthrough beside it. */
export async function showGettingStarted(): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
}

/**
 * "Proxmox: Get Started" opens the walkthrough any time. VS Code opens it by itself when the extension is
 * installed; a development session (the demo) has no install, so it asks with the development hook
 * PROXMOX_IAC_OPEN_WALKTHROUGH=1 to open it at start-up.
 */
export function registerWalkthrough(log: vscode.LogOutputChannel): vscode.Disposable {
  const command = vscode.commands.registerCommand('proxmoxIac.getStarted', () => showGettingStarted());
  if (process.env.PROXMOX_IAC_OPEN_WALKTHROUGH === '1') {
    showGettingStarted().then(undefined, (err: unknown) => log.warn(`Could not open the walkthrough: ${String(err)}`));
  }
  return command;
}
