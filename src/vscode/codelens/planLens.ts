import * as vscode from 'vscode';
import { basename, extname } from 'node:path';
import type { LensTarget } from '../../core/validate/api';
import type { Services } from '../services';
import { onConfigChange } from '../util/config';
import { Disposable } from '../util/dispose';
import { toRange } from '../language/convert';
import type { LazyLanguageService } from '../language/serviceHost';
import { isSafeName } from '../../core/tasks/names';
import { withAbortSignal } from '../util/cancellation';

export const CODE_LENS_SETTING = 'codeLens.enabled';

/**
 * "Plan all" · "Test" · "Show Graph" above a manifest and "Plan this node" · "Apply" · "Destroy" above each node (iac-driver
 * tasks, see ../tasks/). Lenses come complete from one
 * `lensTargets` call (no resolveCodeLens), so they appear together and the text does not jump as they fill in.
 */
export class PlanCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly lastTargets = new Map<string, readonly LensTarget[]>();

  constructor(
    private readonly services: Services,
    private readonly host: LazyLanguageService,
  ) {
    super();
    this._register(onConfigChange([CODE_LENS_SETTING], () => this.changed.fire()));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.lastTargets.delete(d.uri.toString())));
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.services.config.get(CODE_LENS_SETTING, true)) return [];
    if ((await this.host.formatOf(document.uri)) === undefined || token.isCancellationRequested) return [];
    const service = await this.host.get();
    const found = await withAbortSignal(token, (signal) => service.lensTargets(document.uri.fsPath, document.getText(), signal));
    if (token.isCancellationRequested) return [];
    return this.stabilise(document, found).flatMap((t) => toLens(document.uri.fsPath, t));
  }

  /**
   * While the user types, the YAML is often briefly unparsable (an open `[`, a half-typed key) and yields no
   * targets. Dropping every lens then and re-adding it a keystroke later would make the text jump twice, so
   * an edited document keeps its last lenses until it parses again.
   */
  private stabilise(document: vscode.TextDocument, targets: LensTarget[]): readonly LensTarget[] {
    const key = document.uri.toString();
    if (targets.length > 0 || !document.isDirty) {
      this.lastTargets.set(key, targets);
      return targets;
    }
    const previous = this.lastTargets.get(key) ?? [];
    return previous.filter((t) => t.range.start.line < document.lineCount);
  }
}

function toLens(path: string, target: LensTarget): vscode.CodeLens[] {
  const range = toRange(target.range);
  // A lens runs a command with these names as arguments: a name that is not a plain name (a file called
  // `n$(id).yaml`, a node called `a;rm -rf ~` or `--yes`) gets no lens at all.
  if (!isSafeName(basename(path, extname(path)))) return [];
  if (target.kind !== 'manifest' && !isSafeName(target.name)) return [];
  const why = vscode.workspace.isTrusted ? '' : ' (runs nothing until you trust this workspace)';
  const lens = (title: string, command: string, tooltip: string, node?: string) =>
    new vscode.CodeLens(range, { title, tooltip: tooltip + why, command, arguments: [{ file: path, kind: 'iac-driver', ...(node ? { node } : {}) }] });
  switch (target.kind) {
    case 'manifest':
      return [
        lens('Plan all', 'proxmoxIac.plan', `iac-driver: create --dry-run for every node of ${target.name}`),
        lens('Test', 'proxmoxIac.test', `iac-driver: create, verify and destroy ${target.name}`),
        // Showing the graph runs nothing, so it needs no trust and gets no "(runs nothing …)" note.
        new vscode.CodeLens(range, { title: 'Show Graph', tooltip: `Draw ${target.name}'s nodes, their create order and live state`, command: 'proxmoxIac.showGraph', arguments: [{ file: path }] }),
      ];
    case 'manifest-node':
      return [
        lens('Plan this node', 'proxmoxIac.plan', `iac-driver: create --dry-run for ${target.name} and the nodes under it`, target.name),
        lens('Apply', 'proxmoxIac.apply', `iac-driver: create ${target.name} and the nodes under it (asks first)`, target.name),
        lens('Destroy', 'proxmoxIac.destroy', `iac-driver: destroy ${target.name} and the nodes under it (asks first)`, target.name),
      ];
    default:
      // hosts.nix hosts and talos nodes have no dry-run command yet; a lens that cannot run would only mislead.
      return [];
  }
}
