import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { contentSecurityPolicy, escapeAttribute } from '../../core/webviews/csp';

/** Where webview bundles are built (scripts/build.mjs: webview/<name>/main.ts → dist/webview/<name>.js|css). */
const BUNDLE_DIR = ['dist', 'webview'];

/**
 * Options for every webview panel: scripts on, and only the built bundles and media/ readable. Panels do not
 * keep their DOM while hidden (retainContextWhenHidden off); they restore from getState() instead.
 */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...BUNDLE_DIR), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export interface WebviewPage {
  /** The bundle name: webview/<bundle>/main.ts. */
  readonly bundle: string;
  readonly title: string;
  /** JSON handed to the page in an escaped `data-state` attribute of <body> (read with initialState()). */
  readonly initialState?: unknown;
}

/** A fresh nonce per render: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/**
 * The HTML shell of a webview: strict CSP, one script (the page's bundle, by nonce), its CSS, and the
 * initial state as an escaped attribute. No inline script or style, no inline handlers, no remote content.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = newNonce();
  const asset = (ext: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...BUNDLE_DIR, `${page.bundle}.${ext}`)).toString();
  const state = page.initialState === undefined ? '' : ` data-state="${escapeAttribute(JSON.stringify(page.initialState))}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttribute(page.title)}</title>
<link rel="stylesheet" href="${escapeAttribute(asset('css'))}">
</head>
<body${state}>
<script nonce="${nonce}" src="${escapeAttribute(asset('js'))}"></script>
</body>
</html>`;
}
