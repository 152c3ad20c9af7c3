import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ClusterAccess, TaskServices } from './taskServices';
import { DisposableStore } from '../util/dispose';
import { TerraformCodeLensProvider, TERRAFORM_SELECTOR } from '../codelens/terraformLens';
import { HostsNixCodeLensProvider, HOSTS_NIX_SELECTOR } from '../codelens/hostsNixLens';
import { registerActionCommands } from './commands';
import { TASK_TYPE } from './definition';
import { IacTaskProvider } from './provider';
import { PLAN_SCHEME, PlanDocuments } from './planDocument';
import { RunReports } from './runReports';

/** Run Task entries, the plan/apply/destroy/… commands, the `.tf` and hosts.nix lenses, and what a run's end shows (plan, lock). */
export function registerTasks(shared: Services, clusters?: ClusterAccess): vscode.Disposable {
  const services: TaskServices = { ...shared, ...(clusters ? { clusters } : {}) };
  const store = new DisposableStore();
  const plans = store.add(new PlanDocuments());
  store.add(vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans));
  const reports = store.add(new RunReports(services, plans));
  const lastPlan = (dir: string) => reports.lastPlan(dir);
  store.add(vscode.tasks.registerTaskProvider(TASK_TYPE, new IacTaskProvider(services, lastPlan)));
  store.add(registerActionCommands(services, lastPlan));
  const lenses = store.add(new TerraformCodeLensProvider(services));
  store.add(vscode.languages.registerCodeLensProvider(TERRAFORM_SELECTOR, lenses));
  store.add(vscode.languages.registerCodeLensProvider(HOSTS_NIX_SELECTOR, store.add(new HostsNixCodeLensProvider(services))));
  return store;
}
