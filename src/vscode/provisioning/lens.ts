import * as vscode from 'vscode';
import { hostsNixTargets } from '../../core/tasks/hostsNixTargets';
import type { Config } from '../util/config';

/**
 * Provisioning lenses in hosts.nix, beside the Terranix ones: above `_proxmox` "Provision VM from Template…"
 * (the wizard), above each host with a `proxmox` set "Provision" (that host's declared VM, cloned from
 * `_proxmox.templateVmid`; asks first). Computed from the text alone, like the Terranix lenses.
 */
export class ProvisionCodeLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly config: Config) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.config.get('codeLens.enabled', true)) return [];
    const why = vscode.workspace.isTrusted ? '' : ' (not available until you trust this workspace)';
    const file = document.uri.fsPath;
    return hostsNixTargets(document.getText()).map((t) => {
      const range = new vscode.Range(t.line, 0, t.line, 0);
      return t.kind === 'template'
        ? new vscode.CodeLens(range, { title: 'Provision VM from Template…', tooltip: `Clone a template into a new VM, step by step${why}`, command: 'proxmoxIac.provisionVm' })
        : new vscode.CodeLens(range, {
            title: 'Provision',
            tooltip: `Create ${t.name}'s VM as declared: clone _proxmox.templateVmid, set its size, start it and wait for its agent (asks first)${why}`,
            command: 'proxmoxIac.provisionFromHostsNixHost',
            arguments: [{ file, host: t.name, confirm: true }],
          });
    });
  }
}
