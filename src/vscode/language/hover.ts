import * as vscode from 'vscode';
import { fromPosition, toRange } from './convert';
import type { LazyLanguageService } from './serviceHost';
import { withAbortSignal } from '../util/cancellation';

/** Hover on a node or a reference: the resolved configuration or the target's summary, from the core. */
export class IacHoverProvider implements vscode.HoverProvider {
  constructor(private readonly host: LazyLanguageService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if ((await this.host.formatOf(document.uri)) === undefined || token.isCancellationRequested) return undefined;
    const service = await this.host.get();
    const result = await withAbortSignal(token, (signal) => service.hover(document.uri.fsPath, document.getText(), fromPosition(position), signal));
    if (!result || token.isCancellationRequested) return undefined;
    // Not trusted: the text quotes workspace files, whose links must not run commands.
    const markdown = new vscode.MarkdownString(result.markdown);
    markdown.isTrusted = false;
    return new vscode.Hover(markdown, toRange(result.range));
  }
}
