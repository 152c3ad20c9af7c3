import * as vscode from 'vscode';
import type { Services } from '../services';
import { DisposableStore } from '../util/dispose';
import { IacDiagnostics } from '../diagnostics/iacDiagnostics';
import type { LiveGuestSource } from '../diagnostics/liveGuests';
import { registerValidateWorkspaceCommand } from '../diagnostics/validateWorkspace';
import { PlanCodeLensProvider } from '../codelens/planLens';
import { registerPlanCommand } from '../codelens/planCommand';
import { IacCodeActionProvider } from './codeActions';
import { COMPLETION_TRIGGERS, IacCompletionProvider } from './completion';
import { IacDefinitionProvider } from './definition';
import { IacHoverProvider } from './hover';
import { IAC_DOCUMENT_SELECTOR } from './selectors';
import { sharedLanguageService, type LanguageTestApi } from './serviceHost';

/**
 * Diagnostics, hovers, completion, definitions, quick fixes and plan lenses for IaC files. Registering is
 * cheap: the language service (yaml, ajv, schemas) runs in a worker thread started when the first IaC
 * document needs it.
 */
export function registerLanguageFeatures(
  services: Services,
  options: { testHooks?: boolean; live?: LiveGuestSource } = {},
): vscode.Disposable & { readonly testApi?: LanguageTestApi } {
  const store = new DisposableStore();
  const host = store.add(sharedLanguageService({ log: services.log, ...(options.testHooks ? { testHooks: true } : {}) }));
  const diagnostics = store.add(new IacDiagnostics(services, host, options.live));
  const selector = IAC_DOCUMENT_SELECTOR;
  store.add(vscode.languages.registerHoverProvider(selector, new IacHoverProvider(host)));
  store.add(vscode.languages.registerCompletionItemProvider(selector, new IacCompletionProvider(host), ...COMPLETION_TRIGGERS));
  store.add(vscode.languages.registerDefinitionProvider(selector, new IacDefinitionProvider(host)));
  store.add(vscode.languages.registerCodeActionsProvider(selector, new IacCodeActionProvider(host, diagnostics), IacCodeActionProvider.metadata));
  const lenses = store.add(new PlanCodeLensProvider(services, host));
  store.add(vscode.languages.registerCodeLensProvider(selector, lenses));
  store.add(registerPlanCommand(services));
  store.add(registerValidateWorkspaceCommand(services, diagnostics));
  diagnostics.start();
  return Object.assign(store, host.testApi ? { testApi: host.testApi } : {});
}
