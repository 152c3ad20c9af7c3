import * as vscode from 'vscode';
import { vmResourceTargets } from '../../core/tasks/terraformTargets';
import type { Services } from '../services';
import { onConfigChange } from '../util/config';
import { Disposable } from '../util/dispose';
import { CODE_LENS_SETTING } from './planLens';

export const TERRAFORM_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.tf' },
  { scheme: 'file', pattern: '**/*.tofu' },
];

/** "Plan this VM" above each Proxmox VM resource (bpg and Telmate providers): a plan with `-target=`. */
export class TerraformCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly services: Services) {
    super();
    this._register(onConfigChange([CODE_LENS_SETTING], () => this.changed.fire()));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.services.config.get(CODE_LENS_SETTING, true)) return [];
    const why = vscode.workspace.isTrusted ? '' : ' (runs nothing until you trust this workspace)';
    return vmResourceTargets(document.getText()).map(
      (t) =>
        new vscode.CodeLens(new vscode.Range(t.line, 0, t.line, 0), {
          title: 'Plan this VM',
          tooltip: `plan -target=${t.address}${why}`,
          command: 'proxmoxIac.plan',
          arguments: [{ file: document.uri.fsPath, kind: 'tofu', target: t.address }],
        }),
    );
  }
}
