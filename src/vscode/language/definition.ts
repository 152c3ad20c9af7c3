import * as vscode from 'vscode';
import { fromPosition, toRange } from './convert';
import type { LazyLanguageService } from './serviceHost';
import { withAbortSignal } from '../util/cancellation';

/** Go to definition on a foreign key (preset, spec, posture, parent …) opens the file or node it names. */
export class IacDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly host: LazyLanguageService) {}

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Location | undefined> {
    if ((await this.host.formatOf(document.uri)) === undefined || token.isCancellationRequested) return undefined;
    const service = await this.host.get();
    const result = await withAbortSignal(token, (signal) => service.definition(document.uri.fsPath, document.getText(), fromPosition(position), signal));
    if (!result || token.isCancellationRequested) return undefined;
    return new vscode.Location(vscode.Uri.file(result.file), toRange(result.range));
  }
}
