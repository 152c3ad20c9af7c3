import * as vscode from 'vscode';
import type { LiveCluster } from '../../core/validate/api';
import type { ExplorerApi } from '../explorer';
import { Disposable } from '../util/dispose';

/** The active connection's guests for validation, as plain data, and an event when they change. */
export interface LiveGuestSource {
  current(): LiveCluster | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * Live guests from the explorer's last refresh of the active connection. Fires only when the VMIDs, names,
 * nodes or template flags changed, so a poll that finds the same cluster re-validates nothing.
 */
export class ExplorerLiveGuests extends Disposable implements LiveGuestSource {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private live: LiveCluster | undefined;
  private key = '';

  constructor(private readonly explorer: ExplorerApi) {
    super();
    this._register(explorer.provider.onDidRefresh(() => this.update()));
    this._register(explorer.store.onDidChangeActive(() => this.update()));
  }

  current(): LiveCluster | undefined {
    return this.live;
  }

  private update(): void {
    const active = this.explorer.store.active();
    const session = active ? this.explorer.provider.connectionStates().find((s) => s.settings.id === active.id) : undefined;
    const guests = session?.snapshot?.guests.map((g) => ({ vmid: g.vmid, name: g.name, node: g.node, template: g.template }));
    const key = guests ? guests.map((g) => `${g.vmid}:${g.name}:${g.node}:${g.template ? 1 : 0}`).sort().join(',') : '';
    if (key === this.key) return;
    this.key = key;
    this.live = guests ? { guests } : undefined;
    this._onDidChange.fire();
  }
}
