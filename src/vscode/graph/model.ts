import * as vscode from 'vscode';
import type { GraphView, ViewKind, NodeSpan } from '../../core/graph/graphView';
import type { ManifestGraph } from '../../core/graph/manifestGraph';
import { basename, dirname, join } from 'node:path';
import { isSafeName } from '../../core/tasks/names';
import type { LiveSnapshot } from './live';
import { graphFileKind } from './files';

/**
 * The view of a graph document as it is now (unsaved edits included): its graph, where each node is, the
 * problems VS Code shows for the file, and the live state. When the text does not parse (mid-edit) the last
 * good graph stays with a note on top, so the picture does not vanish while the user types.
 */
type ModelModule = typeof import('./modelModule');
let model: ModelModule | undefined;

/** Loads `dist/graph-model.js` (next to dist/extension.js); the computed path keeps esbuild from bundling it here. */
function loadModel(): ModelModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  model ??= require(join(__dirname, 'graph-model.js')) as ModelModule;
  return model;
}

type Source = { readonly graph: ManifestGraph; readonly spans: NodeSpan[] } | { readonly message: string };

function problemsOf(document: vscode.TextDocument) {
  return vscode.languages
    .getDiagnostics(document.uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning)
    .map((d) => ({ line: d.range.start.line, severity: d.severity === vscode.DiagnosticSeverity.Error ? ('error' as const) : ('warning' as const) }));
}

/** The text of the talos cluster.yaml beside nodes.yaml (open document first, else the disk). */
async function clusterText(nodesFile: string, read: (path: string) => Promise<string | undefined>): Promise<string | undefined> {
  for (const name of ['cluster.yaml', 'cluster.sample.yaml']) {
    const path = join(dirname(nodesFile), name);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
    const text = open?.getText() ?? (await read(path).catch(() => undefined));
    if (text !== undefined) return text;
  }
  return undefined;
}

async function sourceOf(kind: ViewKind, document: vscode.TextDocument): Promise<Source> {
  const m = loadModel();
  const file = document.uri.fsPath;
  const text = document.getText();
  if (kind === 'manifest') return m.readManifest(text);
  if (kind === 'talos') return m.talosGraph(basename(dirname(file)) || 'talos', text, m.talosProxmoxNode(await clusterText(file, m.readBoundedText)));
  // hosts.nix is evaluated by Nix, which runs the file's code: only in a trusted workspace.
  if (!vscode.workspace.isTrusted) return { message: 'Drawing hosts.nix evaluates it with Nix, which runs code from the workspace: trust this workspace to see the fleet.' };
  if (!m.resolveNixBin()) return { message: m.NIX_NOT_INSTALLED_MESSAGE };
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const [guests, settings] = await Promise.all([m.declaredGuestsFromNix(file, text, { workspaceRoots: roots }), m.nixProxmoxSettings(file, text, { workspaceRoots: roots })]);
  if (!guests.length && !settings) return { message: 'hosts.nix declares no host with a `proxmox` set (or Nix could not evaluate it: see the Problems view).' };
  return m.hostsNixGraph(basename(dirname(file)) || 'hosts.nix', guests, settings);
}

export async function graphViewOf(document: vscode.TextDocument, live: LiveSnapshot | undefined, previous: GraphView | undefined): Promise<GraphView> {
  const file = document.uri.fsPath;
  const kind = graphFileKind(file) ?? 'manifest';
  const source = await sourceOf(kind, document);
  if ('message' in source) {
    return previous && previous.nodes.length ? { ...previous, message: `${source.message} Showing the graph from before.` } : { kind, title: file, file, nodes: [], edges: [], message: source.message };
  }
  return loadModel().manifestView(
    file,
    source.graph,
    {
      spans: source.spans,
      problems: problemsOf(document),
      ...(live ? { guests: live.guests, connection: live.connection } : {}),
      // Plan / apply / destroy are iac-driver's, for manifest nodes.
      isRunnableName: kind === 'manifest' ? isSafeName : () => false,
    },
    kind,
  );
}
