import * as vscode from 'vscode';
import { hostsNixTargets, type HostsNixTarget } from '../../core/tasks/hostsNixTargets';
import type { Services } from '../services';
import { onConfigChange } from '../util/config';
import { Disposable } from '../util/dispose';
import { CODE_LENS_SETTING } from './planLens';

export const HOSTS_NIX_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/hosts.nix' }];

/** The VM resource of a host in seed 000's Terranix modules (bpg provider, one resource per host). */
export function hostVmAddress(host: string): string {
  return `proxmox_virtual_environment_vm.${host}`;
}

/**
 * seed 000's hosts.nix: above `_proxmox` "Plan fleet" · "Apply fleet" · "Build template"; above each host with a
 * `proxmox` attribute "Plan this host" · "Apply" (`-target` of its VM resource). Terranix tasks (`nix run
 * .#tofu-plan` …). Computed from the text alone, so they appear at once and stay put while typing.
 */
export class HostsNixCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  private readonly last = new Map<string, HostsNixTarget[]>();

  constructor(private readonly services: Services) {
    super();
    this._register(onConfigChange([CODE_LENS_SETTING], () => this.changed.fire()));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.last.delete(d.uri.toString())));
  }

  /** A half-typed edit (an open `{`) finds no hosts for a moment: an edited file keeps its lenses until it parses again. */
  private targets(document: vscode.TextDocument): HostsNixTarget[] {
    const key = document.uri.toString();
    const found = hostsNixTargets(document.getText());
    if (found.length > 0 || !document.isDirty) {
      this.last.set(key, found);
      return found;
    }
    return (this.last.get(key) ?? []).filter((t) => t.line < document.lineCount);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.services.config.get(CODE_LENS_SETTING, true)) return [];
    const why = vscode.workspace.isTrusted ? '' : ' (runs nothing until you trust this workspace)';
    const file = document.uri.fsPath;
    return this.targets(document).flatMap((t) => {
      const range = new vscode.Range(t.line, 0, t.line, 0);
      const lens = (title: string, command: string, tooltip: string, target?: string) =>
        new vscode.CodeLens(range, { title, tooltip: tooltip + why, command, arguments: [{ file, kind: 'terranix', ...(target ? { target } : {}) }] });
      if (t.kind === 'template') {
        return [
          lens('Plan fleet', 'proxmoxIac.plan', 'nix run .#tofu-plan: every host with a proxmox attribute'),
          lens('Apply fleet', 'proxmoxIac.apply', 'nix run .#tofu-apply (asks first)'),
          lens('Build template', 'proxmoxIac.buildTemplate', 'nix build .#proxmox-template'),
        ];
      }
      const address = hostVmAddress(t.name);
      return [lens('Plan this host', 'proxmoxIac.plan', `nix run .#tofu-plan -- -target=${address}`, address), lens('Apply', 'proxmoxIac.apply', `nix run .#tofu-apply -- -target=${address} (asks first)`, address)];
    });
  }
}
