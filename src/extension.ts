import * as vscode from 'vscode';
import { Config } from './vscode/util/config';
import { registerLanguageFeatures } from './vscode/language/register';
import { createLog, reportError } from './vscode/util/log';
import type { ExtensionApi, Services } from './vscode/services';
import { registerExplorer } from './vscode/explorer';
import { extensionExports } from './vscode/exports';
import { registerWalkthrough } from './vscode/welcome/walkthrough';
import { registerTasks } from './vscode/tasks/register';
import { ExplorerLiveGuests } from './vscode/diagnostics/liveGuests';
import { registerGraph } from './vscode/graph/register';
import { liveSourceOf } from './vscode/graph/live';
import { registerAgentBoard } from './vscode/webviews/agentboard/register';
import { registerProvisioning } from './vscode/provisioning';

/**
 * Composition root: builds the shared services, hands them to each capability and shows an activation
 * failure to the user (VS Code itself would only log it). Heavy modules load on first use, not here.
 * Returns the services only to the extension's own tests (exports.ts): other extensions get nothing.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const log = createLog();
  context.subscriptions.push(log);
  try {
    if (process.env.PROXMOX_IAC_TEST_FAIL_ACTIVATION === '1') {
      throw new Error('activation failure requested by PROXMOX_IAC_TEST_FAIL_ACTIVATION');
    }
    const services: Services = { context, log, config: new Config() };
    context.subscriptions.push(
      vscode.commands.registerCommand('proxmoxIac.showLog', () => log.show()),
    );
    const testMode = context.extensionMode === vscode.ExtensionMode.Test;
    const explorer = registerExplorer(services);
    // Live VMID conflicts in IaC files follow the explorer's refreshes of the active connection.
    const liveGuests = new ExplorerLiveGuests(explorer);
    const language = registerLanguageFeatures(services, { testHooks: testMode, live: liveGuests });
    context.subscriptions.push(liveGuests, language);
    context.subscriptions.push(registerWalkthrough(log));
    context.subscriptions.push(registerTasks(services, explorer));
    const graph = registerGraph(services, liveSourceOf(explorer));
    context.subscriptions.push(graph);
    const agentBoard = registerAgentBoard(services, explorer.store);
    context.subscriptions.push(agentBoard);
    // The board's results also feed the explorer's guest tooltips.
    explorer.provider.agentReports = (connectionId, vmid) => agentBoard.latest(connectionId, vmid);
    context.subscriptions.push(registerProvisioning(services, explorer));
    const activationMs = performance.now() - started;
    const cpu = process.cpuUsage(startedCpu);
    const activationCpuMs = (cpu.user + cpu.system) / 1000;
    log.info(`Proxmox IaC activated in ${activationMs.toFixed(2)} ms (${activationCpuMs.toFixed(2)} ms CPU)`);
    return extensionExports(
      { testMode, forceProduction: process.env.PROXMOX_IAC_TEST_EXPORTS === 'production' },
      { services, activationMs, activationCpuMs, explorer, graph, agentBoard, ...(language.testApi ? { language: language.testApi } : {}) },
    );
  } catch (err) {
    void reportError(log, 'Proxmox IaC could not start', err);
    return undefined;
  }
}

export function deactivate(): void {
  // Everything else is registered on context.subscriptions and disposed by VS Code.
  Config.dispose();
}
