import * as vscode from 'vscode';
import type { Services } from '../services';
import { DisposableStore } from '../util/dispose';
import { IacDiagnostics, type WorkspaceValidationSummary } from '../diagnostics/iacDiagnostics';
import { validationEnabled, VALIDATION_SETTINGS } from '../diagnostics/options';
import { PlanCodeLensProvider } from '../codelens/planLens';
import { registerPlanCommand } from '../codelens/planCommand';
import { IacCodeActionProvider } from './codeActions';
import { COMPLETION_TRIGGERS, IacCompletionProvider } from './completion';
import { IacDefinitionProvider } from './definition';
import { IacHoverProvider } from './hover';
import { IAC_DOCUMENT_SELECTOR } from './selectors';
import { LazyLanguageService } from './serviceHost';

/**
 * Diagnostics, hovers, completion, definitions, quick fixes and plan lenses for IaC files. Registering is
 * cheap: the language service (yaml, ajv, schemas) is built when the first IaC document needs it.
 */
export function registerLanguageFeatures(services: Services): vscode.Disposable {
  const store = new DisposableStore();
  const host = new LazyLanguageService();
  const diagnostics = store.add(new IacDiagnostics(services, host));
  const selector = IAC_DOCUMENT_SELECTOR;
  store.add(vscode.languages.registerHoverProvider(selector, new IacHoverProvider(host)));
  store.add(vscode.languages.registerCompletionItemProvider(selector, new IacCompletionProvider(host), ...COMPLETION_TRIGGERS));
  store.add(vscode.languages.registerDefinitionProvider(selector, new IacDefinitionProvider(host)));
  store.add(vscode.languages.registerCodeActionsProvider(selector, new IacCodeActionProvider(host, diagnostics), IacCodeActionProvider.metadata));
  const lenses = store.add(new PlanCodeLensProvider(services, host));
  store.add(vscode.languages.registerCodeLensProvider(selector, lenses));
  store.add(registerPlanCommand(services));
  store.add(vscode.commands.registerCommand(VALIDATE_WORKSPACE_COMMAND, () => validateWorkspace(services, diagnostics)));
  diagnostics.start();
  return store;
}

export const VALIDATE_WORKSPACE_COMMAND = 'proxmoxIac.validateWorkspace';

/** Re-validates every IaC file (after a git pull, say) and says what the Problems panel now holds. */
async function validateWorkspace(services: Services, diagnostics: IacDiagnostics): Promise<WorkspaceValidationSummary | undefined> {
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
    { location: vscode.ProgressLocation.Window, title: 'Validating IaC files' },
    () => diagnostics.validateWorkspace(),
  );
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  vscode.window.setStatusBarMessage(
    `Proxmox IaC: ${plural(summary.files, 'file')} checked, ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`,
    8000,
  );
  return summary;
}
