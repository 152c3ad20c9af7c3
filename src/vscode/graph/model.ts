import * as vscode from 'vscode';
import type { GraphView } from '../../core/graph/graphView';
import { join } from 'node:path';
import { isSafeName } from '../../core/tasks/names';
import type { LiveSnapshot } from './live';

/**
 * The view of a manifest document as it is now (unsaved edits included): its graph, where each node is, the
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

export function manifestViewOf(document: vscode.TextDocument, live: LiveSnapshot | undefined, previous: GraphView | undefined): GraphView {
  const file = document.uri.fsPath;
  const { readManifest, manifestView } = loadModel();
  const source = readManifest(document.getText());
  if ('message' in source) {
    return previous && previous.nodes.length ? { ...previous, message: `${source.message} Showing the graph from before.` } : { kind: 'manifest', title: file, file, nodes: [], edges: [], message: source.message };
  }
  const problems = vscode.languages
    .getDiagnostics(document.uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning)
    .map((d) => ({ line: d.range.start.line, severity: d.severity === vscode.DiagnosticSeverity.Error ? ('error' as const) : ('warning' as const) }));
  return manifestView(file, source.graph, {
    spans: source.spans,
    problems,
    ...(live ? { guests: live.guests, connection: live.connection } : {}),
    isRunnableName: isSafeName,
  });
}
