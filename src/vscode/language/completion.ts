import * as vscode from 'vscode';
import type { CompletionResult } from '../../core/validate/api';
import { fromPosition, toRange } from './convert';
import type { LazyLanguageService } from './serviceHost';
import { withAbortSignal } from '../util/cancellation';

/** Typing `preset:` or the space after it offers the names that exist in the site-config. */
export const COMPLETION_TRIGGERS = [':', ' '];

const KINDS: Record<CompletionResult['kind'], vscode.CompletionItemKind> = {
  value: vscode.CompletionItemKind.Value,
  key: vscode.CompletionItemKind.Property,
  reference: vscode.CompletionItemKind.Reference,
};

export class IacCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly host: LazyLanguageService) {}

  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.CompletionItem[] | undefined> {
    if ((await this.host.formatOf(document.uri)) === undefined || token.isCancellationRequested) return undefined;
    const service = await this.host.get();
    const results = await withAbortSignal(token, (signal) => service.completions(document.uri.fsPath, document.getText(), fromPosition(position), signal));
    if (token.isCancellationRequested) return undefined;
    return results.map((r, index) => toCompletionItem(document, r, index));
  }
}

function toCompletionItem(document: vscode.TextDocument, result: CompletionResult, index: number): vscode.CompletionItem {
  const item = new vscode.CompletionItem(result.label, KINDS[result.kind] ?? vscode.CompletionItemKind.Value);
  const range = toRange(result.range);
  item.range = range;
  if (result.detail) item.detail = result.detail;
  // The core's order is its ranking (closest match first); keep it rather than VS Code's alphabetical one.
  item.sortText = String(index).padStart(5, '0');
  // Right after `key:` YAML needs a space before the value, or the line stops being a mapping.
  if (range.isEmpty && range.start.character > 0 && range.start.line < document.lineCount) {
    const before = document.lineAt(range.start.line).text.charAt(range.start.character - 1);
    if (before === ':') {
      item.insertText = ` ${result.label}`;
      item.filterText = result.label;
    }
  }
  return item;
}
