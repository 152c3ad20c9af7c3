import * as vscode from 'vscode';
import { rootIdOf } from '../../core/explorer/rowIds';
import type { DeclaredGuest } from '../../core/iac/types';
import { ClientPool } from '../connections/clients';
import { registerConnectionCommands } from '../connections/commands';
import { ConnectionStore } from '../connections/store';
import type { Services } from '../services';
import { ExplorerActions } from './actions';
import { BackupActions } from './backupActions';
import { CONFIG_SCHEME, ConfigDocumentProvider } from './configDocument';
import { SHOW_MORE_COMMAND } from './items';
import { type Element, ExplorerProvider } from './provider';
import { ConnectionStatusBar } from './statusBar';
import { TaskRunner } from './tasks';

export const VIEW_ID = 'proxmoxIac.explorer';

/** What integration tests reach through the extension's API (`api.explorer`). */
export interface ExplorerApi {
  readonly provider: ExplorerProvider;
  readonly store: ConnectionStore;
  readonly pool: ClientPool;
  readonly tasks: TaskRunner;
  readonly statusBar: ConnectionStatusBar;
  readonly treeView: vscode.TreeView<Element>;
}

/**
 * Registers connections, the live tree, its actions and the status bar. Nothing talks to the network
 * here: the first request happens when the view asks for the active connection's children.
 */
export function registerExplorer(services: Services, declaredSource?: () => Promise<readonly DeclaredGuest[] | undefined>): ExplorerApi {
  const { context, log, config } = services;
  const subs = context.subscriptions;
  const store = new ConnectionStore(context, config);
  subs.push(store);
  void store.importSecretsFile(log);
  void vscode.commands.executeCommand('setContext', 'proxmoxIac.hasConnections', store.list().length > 0);
  const pool = new ClientPool(store);
  subs.push(pool);
  const declared = declaredSource ?? defaultDeclaredSource();
  const provider = new ExplorerProvider(store, pool, config, log, declared);
  subs.push(provider);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true, canSelectMany: false });
  subs.push(treeView);
  subs.push(treeView.onDidChangeVisibility((e) => provider.setVisible(e.visible)));
  if (treeView.visible) provider.setVisible(true);
  const tasks = new TaskRunner(log, (api) => {
    const id = pool.connectionOf(api);
    // A row-like argument: the fix's command reads the connection from a row id.
    return id === undefined ? undefined : { id: rootIdOf(id) };
  });
  subs.push(tasks);
  const statusBar = new ConnectionStatusBar(store, tasks);
  subs.push(statusBar);
  const actions = new ExplorerActions(provider, tasks, config, log, (el) => {
    // A row past its parent's page is brought into it first: VS Code reveals only rows it can list.
    provider.ensureShown(el.id);
    return treeView.reveal(provider.element(el.id), { select: true, focus: true, expand: false });
  });
  subs.push(...actions.register(), ...registerConnectionCommands(store, log));
  subs.push(...new BackupActions(provider, tasks, config, log).register());
  subs.push(
    vscode.workspace.registerTextDocumentContentProvider(
      CONFIG_SCHEME,
      new ConfigDocumentProvider(async (id) => {
        const c = store.get(id);
        return c ? pool.get(c) : undefined;
      }),
    ),
  );
  // The active filter shows as the view's description (next to its title when the view has a header) and as
  // the message above the tree (the one place VS Code shows it while the view fills its container alone);
  // the title bar's Clear Filter button, there while the context key proxmoxIac.explorer.filtered is set,
  // clears it in one click.
  subs.push(
    provider.onDidChangeFilter((text) => {
      treeView.description = text ? `Filter: ${text}` : undefined;
      treeView.message = text ? `Filter: ${text}` : undefined;
    }),
  );
  subs.push(
    vscode.commands.registerCommand('proxmoxIac.explorer.refresh', () => provider.refreshAll(true)),
    vscode.commands.registerCommand(SHOW_MORE_COMMAND, (el?: Element) => el && provider.showMore(el.id)),
    vscode.commands.registerCommand('proxmoxIac.explorer.filter', async () => {
      const text = await vscode.window.showInputBox({
        title: 'Filter the Proxmox explorer',
        prompt: 'Words match name, VMID or tag; narrow with name: vmid: (100-199) tag: status: node: type: pool:',
        value: provider.filterText,
        placeHolder: 'e.g. tag:prod status:running',
      });
      if (text === undefined) return;
      provider.setFilter(text);
    }),
    vscode.commands.registerCommand('proxmoxIac.explorer.clearFilter', () => provider.setFilter('')),
    vscode.commands.registerCommand('proxmoxIac.explorer.groupBy', async () => {
      const current = provider.options().groupBy;
      const picked = await vscode.window.showQuickPick(
        (['node', 'tag', 'pool', 'type'] as const).map((g) => ({ label: `Group by ${g}`, description: g === current ? 'current' : undefined, g })),
        { placeHolder: 'Group the explorer by' },
      );
      if (picked) await config.update('explorer.groupBy', picked.g);
    }),
    vscode.commands.registerCommand('proxmoxIac.explorer.sortBy', async () => {
      const current = provider.options().sortBy;
      const picked = await vscode.window.showQuickPick(
        (['vmid', 'name', 'status'] as const).map((g) => ({ label: `Sort by ${g === 'vmid' ? 'VMID' : g}`, description: g === current ? 'current' : undefined, g })),
        { placeHolder: 'Sort guests by' },
      );
      if (picked) await config.update('explorer.sortBy', picked.g);
    }),
  );
  // IaC files changed: correlate again from the last cluster snapshot, without a new request.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,nix}');
  let pending: ReturnType<typeof setTimeout> | undefined;
  const onIacChange = (): void => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => provider.invalidateDeclarations(), 500);
  };
  subs.push(watcher, watcher.onDidChange(onIacChange), watcher.onDidCreate(onIacChange), watcher.onDidDelete(onIacChange), { dispose: () => pending && clearTimeout(pending) });
  subs.push(vscode.workspace.onDidGrantWorkspaceTrust(() => provider.invalidateDeclarations()));
  return { provider, store, pool, tasks, statusBar, treeView };
}

/**
 * Declared guests from the IaC language service, loaded on first use (it compiles schemas). The explorer
 * keeps its own lazy instance: the language features do not share theirs through Services (yet).
 */
function defaultDeclaredSource(): () => Promise<readonly DeclaredGuest[] | undefined> {
  let host: Promise<{ get(): Promise<{ declaredGuests(roots: readonly string[]): Promise<DeclaredGuest[]> }> }> | undefined;
  return async () => {
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    // Reading hosts.nix may evaluate Nix: not in an untrusted workspace (no correlation there, and every
    // mutating action is refused anyway). Trusting the workspace correlates again.
    if (roots.length === 0 || !vscode.workspace.isTrusted) return undefined;
    host ??= import('../language/serviceHost.js').then((m) => m.sharedLanguageService());
    return (await (await host).get()).declaredGuests(roots);
  };
}
