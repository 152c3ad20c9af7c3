import * as vscode from 'vscode';

export const PLAN_SCHEME = 'proxmox-plan';

/**
 * Read-only plan documents (`proxmox-plan:` URIs, language `proxmox-plan`, coloured by
 * syntaxes/proxmox-plan.tmLanguage.json): the text of the last plan of each workspace, as the run printed it.
 */
export class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** The document for `label`'s plan (a workspace folder, relative), holding `text`. */
  set(label: string, text: string): vscode.Uri {
    const safe = label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'workspace';
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${safe}.proxmox-plan` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This plan is no longer available: run the plan again.';
  }

  dispose(): void {
    this.changed.dispose();
  }
}
