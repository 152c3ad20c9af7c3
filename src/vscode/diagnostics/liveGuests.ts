import * as vscode from 'vscode';
import type { Guest } from '../../core/pve/types';
import type { LiveCluster } from '../../core/validate/api';
import { liveClusterOf, liveInventoryOf } from '../../core/validate/liveCluster';
import type { ExplorerApi } from '../explorer';
import { Disposable } from '../util/dispose';
import { NodeBridges } from './nodeBridges';

/** The active connection's guests for validation, as plain data, and an event when they change. */
export interface LiveGuestSource {
  current(): LiveCluster | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * Live guests from the explorer's last refresh of the active connection. Fires only when the VMIDs, names,
 * nodes or template flags changed, or the cluster's nodes, storages or bridges, so a poll that finds the same cluster re-validates nothing.
 */
export class ExplorerLiveGuests extends Disposable implements LiveGuestSource {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private live: LiveCluster | undefined;
  private source: readonly Guest[] | undefined;
  private inventoryKey = '';
  private readonly bridges: NodeBridges;

  constructor(private readonly explorer: ExplorerApi) {
    super();
    this.bridges = this._register(new NodeBridges(explorer, () => this.update(true)));
    this._register(explorer.provider.onDidRefresh(() => this.update()));
    this._register(explorer.store.onDidChangeActive(() => this.update()));
  }

  current(): LiveCluster | undefined {
    return this.live;
  }

  /** Runs after every refresh: one pass over the guests, no strings built, so 20,000 guests cost ~1 ms. */
  private update(bridgesArrived = false): void {
    const active = this.explorer.store.active();
    const session = active ? this.explorer.provider.connectionStates().find((s) => s.settings.id === active.id) : undefined;
    const snapshot = session?.snapshot;
    if (snapshot?.guests === this.source && !bridgesArrived) return;
    this.source = snapshot?.guests;
    const inventory = snapshot && active ? liveInventoryOf(snapshot, this.bridges.of(active, snapshot)) : undefined;
    const inventoryKey = JSON.stringify(inventory);
    if (snapshot && this.live && inventoryKey === this.inventoryKey && sameGuests(this.live.guests, snapshot.guests)) return;
    this.inventoryKey = inventoryKey;
    this.live = snapshot ? liveClusterOf(snapshot, inventory) : undefined;
    this._onDidChange.fire();
  }
}

/** Whether the fields validation reads are the same, in the same order (the server's order is stable). */
function sameGuests(a: LiveCluster['guests'], b: readonly Guest[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.vmid !== y.vmid || x.name !== y.name || x.node !== y.node || Boolean(x.template) !== Boolean(y.template)) return false;
  }
  return true;
}
