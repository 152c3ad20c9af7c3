import * as vscode from 'vscode';
import type { AgentReport } from '../../../core/agent/state';
import type { PveApi } from '../../../core/pve/api';
import { AGENT_BOARD_VIEW_TYPE, isPageState } from '../../../core/webviews/agentboard/protocol';
import { SecretMissingError } from '../../connections/clients';
import { chooseConnection } from '../../connections/commands';
import { targetOf, type ConnectionSettings, type ConnectionStore } from '../../connections/store';
import type { Services } from '../../services';
import { AgentBoardPanel } from './panel';

export const SHOW_AGENT_BOARD_COMMAND = 'proxmoxIac.showAgentBoard';

/** What integration tests reach through the extension's API (`api.agentBoard`), and what the explorer may read. */
export interface AgentBoardApi {
  /** Open panels by connection id. */
  readonly panels: ReadonlyMap<string, AgentBoardPanel>;
  /** Fires when a panel opens (also when one is restored after a reload). */
  readonly onDidOpen: vscode.Event<AgentBoardPanel>;
  /** The latest agent result for a guest of a connection, while that connection's board is open. */
  latest(connectionId: string, vmid: number): AgentReport | undefined;
}

/**
 * The board's own API client per connection: separate sockets from the explorer's client (ClientPool), one
 * attempt per call (an agent that timed out is not asked three times), a timeout above PVE's own 5 s agent
 * timeout plus the 3 s ping. Rebuilt when the connection's settings or secret change.
 */
function boardClients(store: ConnectionStore): { get(c: ConnectionSettings): Promise<PveApi>; dispose(): void } {
  const clients = new Map<string, { key: string; client: Promise<PveApi> }>();
  const subs = [store.onDidChangeList(() => clients.clear()), store.onDidChangeSecret((id) => clients.delete(id))];
  return {
    get(c) {
      const key = JSON.stringify(c);
      const cached = clients.get(c.id);
      if (cached?.key === key) return cached.client;
      const client = (async () => {
        const secret = await store.secret(c.id);
        if (!secret) throw new SecretMissingError(c.name);
        const { PveClient } = await import('../../../core/pve/client.js');
        return new PveClient({ ...targetOf(c), timeoutMs: 20_000 }, secret, { retry: { attempts: 1 } });
      })();
      clients.set(c.id, { key, client });
      client.catch(() => clients.get(c.id)?.client === client && clients.delete(c.id));
      return client;
    },
    dispose: () => {
      for (const s of subs) s.dispose();
    },
  };
}

/**
 * "Proxmox: Show Guest Agent Status": one board per connection (showing it again brings it forward), from the
 * palette (active connection, or a pick) and the explorer's connection row; restored after a window reload.
 */
export function registerAgentBoard(services: Services, store: ConnectionStore): AgentBoardApi & vscode.Disposable {
  const panels = new Map<string, AgentBoardPanel>();
  const opened = new vscode.EventEmitter<AgentBoardPanel>();
  const clients = boardClients(store);

  const adopt = (webviewPanel: vscode.WebviewPanel, c: ConnectionSettings): AgentBoardPanel => {
    const panel = new AgentBoardPanel(webviewPanel, c, services, () => {
      const now = store.get(c.id);
      if (!now) return Promise.reject(new Error(`The connection "${c.name}" was removed. Close this board.`));
      return clients.get(now);
    });
    panels.set(c.id, panel);
    panel.onDidDispose(() => panels.get(c.id) === panel && panels.delete(c.id));
    opened.fire(panel);
    return panel;
  };

  const show = async (arg?: unknown): Promise<AgentBoardPanel | undefined> => {
    const explicit = typeof arg === 'string' ? store.get(arg) : undefined;
    const c = explicit ?? (arg === undefined && store.list().length > 1 ? store.active() : undefined) ?? (await chooseConnection(store, arg, 'Show the guest agents of which connection?'));
    if (!c) return undefined;
    const existing = panels.get(c.id);
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(AGENT_BOARD_VIEW_TYPE, `Guest Agents: ${c.name}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {});
    return adopt(webviewPanel, c);
  };

  const disposables: vscode.Disposable[] = [
    opened,
    vscode.commands.registerCommand(SHOW_AGENT_BOARD_COMMAND, show),
    vscode.window.registerWebviewPanelSerializer(AGENT_BOARD_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel, state: unknown) => {
        const c = isPageState(state) ? store.get(state.connectionId) : undefined;
        if (!c) {
          services.log.info('Guest-agent board: a panel from before the reload names no connection that still exists; it was closed.');
          webviewPanel.dispose();
          return Promise.resolve();
        }
        adopt(webviewPanel, c);
        return Promise.resolve();
      },
    }),
  ];
  return {
    panels,
    onDidOpen: opened.event,
    latest: (connectionId, vmid) => panels.get(connectionId)?.board.latest(vmid),
    dispose: () => {
      for (const p of [...panels.values()]) p.dispose();
      for (const d of disposables) d.dispose();
      clients.dispose();
    },
  };
}
