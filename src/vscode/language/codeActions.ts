import * as vscode from 'vscode';
import type { IacDiagnostic } from '../../core/iac/types';
import type { IacDiagnostics } from '../diagnostics/iacDiagnostics';
import { DIAGNOSTIC_SOURCE, fromRange, toRange } from './convert';
import type { LazyLanguageService } from './serviceHost';
import { withAbortSignal } from '../util/cancellation';

/** Quick fixes from the core ("Did you mean vm-small?", the manifest v1 → v2 rewrite), tied to their diagnostics. */
export class IacCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly host: LazyLanguageService,
    private readonly diagnostics: IacDiagnostics,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[] | undefined> {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return undefined;
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    const pairs = ours
      .map((d) => [d, this.diagnostics.findIacDiagnostic(document.uri, d)] as const)
      .filter((p): p is readonly [vscode.Diagnostic, IacDiagnostic] => p[1] !== undefined);
    if (pairs.length === 0) return undefined;

    const service = await this.host.get();
    if (token.isCancellationRequested) return undefined;
    const fixes = await withAbortSignal(token, (signal) =>
      service.codeFixes(
        document.uri.fsPath,
        document.getText(),
        fromRange(range),
        pairs.map(([, iac]) => iac),
        signal,
      ),
    );
    if (token.isCancellationRequested) return undefined;

    return fixes.map((fix) => {
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      const edit = new vscode.WorkspaceEdit();
      for (const e of fix.edits) edit.replace(document.uri, toRange(e.range), e.newText);
      action.edit = edit;
      action.diagnostics = pairs.filter(([, iac]) => iac.code === fix.diagnosticCode).map(([d]) => d);
      if (fix.isPreferred) action.isPreferred = true;
      return action;
    });
  }
}
