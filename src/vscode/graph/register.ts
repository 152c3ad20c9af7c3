import * as vscode from 'vscode';
import { basename } from 'node:path';
import { GRAPH_VIEW_TYPE, isPageState, type NodeAction } from '../../core/webviews/graph/protocol';
import type { Services } from '../services';
import type { LiveSource } from './live';
import { GraphPanel } from './panel';
import { GRAPH_FILE_GLOBS, graphFileKind } from './files';

export const SHOW_GRAPH_COMMAND = 'proxmoxIac.showGraph';

/** What integration tests and the benchmark reach through the extension's API (`api.graph`). */
export interface GraphApi {
  /** Open panels by manifest path. */
  readonly panels: ReadonlyMap<string, GraphPanel>;
  /** Fires when a panel opens (also when one is restored after a reload). */
  readonly onDidOpen: vscode.Event<GraphPanel>;
}

/**
 * "Show Manifest Graph": one panel per manifest (showing it again brings the panel forward), restored after a
 * window reload by the serializer, plus the node actions of the page's context menu and "Export as SVG".
 */
export function registerGraph(services: Services, liveSource: LiveSource): GraphApi & vscode.Disposable {
  const panels = new Map<string, GraphPanel>();
  const opened = new vscode.EventEmitter<GraphPanel>();

  const adopt = (webviewPanel: vscode.WebviewPanel, file: string): GraphPanel => {
    const panel = new GraphPanel(webviewPanel, file, services, liveSource);
    panels.set(file, panel);
    panel.onDidDispose(() => panels.get(file) === panel && panels.delete(file));
    opened.fire(panel);
    return panel;
  };

  const show = async (arg?: unknown): Promise<GraphPanel | undefined> => {
    const file = fileOf(arg) ?? activeManifest() ?? (await pickManifest());
    if (!file) return undefined;
    const existing = panels.get(file);
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, `Graph: ${basename(file)}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {});
    return adopt(webviewPanel, file);
  };

  const active = (): GraphPanel | undefined => [...panels.values()].find((p) => p.panel.active) ?? (panels.size === 1 ? [...panels.values()][0] : undefined);

  const runFromMenu = (action: NodeAction) => (context?: { graphNodeId?: unknown }) => {
    const panel = active();
    if (!panel || typeof context?.graphNodeId !== 'string') return undefined;
    return panel.run(action, context.graphNodeId);
  };

  const disposables: vscode.Disposable[] = [
    opened,
    vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, show),
    vscode.commands.registerCommand('proxmoxIac.graph.plan', runFromMenu('plan')),
    vscode.commands.registerCommand('proxmoxIac.graph.apply', runFromMenu('apply')),
    vscode.commands.registerCommand('proxmoxIac.graph.destroy', runFromMenu('destroy')),
    vscode.commands.registerCommand('proxmoxIac.graph.exportSvg', async (target?: vscode.Uri) => {
      const panel = active();
      if (!panel) {
        void vscode.window.showInformationMessage('Open a manifest graph first ("Proxmox: Show Manifest Graph"), then export it.');
        return undefined;
      }
      return panel.exportSvg(target instanceof vscode.Uri ? target : undefined);
    }),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel, state: unknown) => {
        if (!isPageState(state)) {
          services.log.warn('Manifest graph: a panel from before the reload had no usable state; it was closed.');
          webviewPanel.dispose();
          return;
        }
        try {
          await vscode.workspace.fs.stat(vscode.Uri.file(state.file));
        } catch {
          services.log.info(`Manifest graph: ${state.file} no longer exists; its panel was closed.`);
          webviewPanel.dispose();
          return;
        }
        adopt(webviewPanel, state.file);
      },
    }),
  ];
  return {
    panels,
    onDidOpen: opened.event,
    dispose: () => {
      for (const p of [...panels.values()]) p.dispose();
      for (const d of disposables) d.dispose();
    },
  };
}

function fileOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'file' in arg && typeof arg.file === 'string') return arg.file;
  return undefined;
}

function activeManifest(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' && graphFileKind(uri.fsPath) ? uri.fsPath : undefined;
}

async function pickManifest(): Promise<string | undefined> {
  const found = await Promise.all(GRAPH_FILE_GLOBS.map((glob) => vscode.workspace.findFiles(glob, '**/node_modules/**', 500)));
  const files = found.flat().filter((f) => graphFileKind(f.fsPath));
  if (!files.length) {
    void vscode.window.showInformationMessage('Nothing to draw: the graph draws iac-driver manifests (manifests/NAME.yaml in a site-config folder), hosts.nix fleets and talos-cluster nodes.yaml.');
    return undefined;
  }
  if (files.length === 1) return files[0].fsPath;
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: basename(f.fsPath), description: vscode.workspace.asRelativePath(f), file: f.fsPath })),
    { title: 'Show the graph of which file?', matchOnDescription: true },
  );
  return picked?.file;
}

