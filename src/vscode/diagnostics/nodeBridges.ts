import type { LiveInventory } from '../../core/iac/types';
import type { ClusterSnapshot } from '../../core/pve/types';
import type { ConnectionSettings } from '../connections/store';
import type { ExplorerApi } from '../explorer';
import { Disposable } from '../util/dispose';

type ByNode = NonNullable<LiveInventory['bridges']>;

/**
 * Each node's bridges for validation, read once per connection and node list (`/cluster/resources` does not
 * carry them, and a bridge is added far less often than the explorer refreshes): one request per online node,
 * in the background. A node that cannot be read (offline, no privilege) is left out, so nothing is checked
 * against it. `changed` runs when a read finishes.
 */
export class NodeBridges extends Disposable {
  private readonly read = new Map<string, { key: string; byNode?: ByNode }>();
  private readonly abort = new AbortController();

  constructor(
    private readonly explorer: ExplorerApi,
    private readonly changed: () => void,
  ) {
    super();
    this._register({ dispose: () => this.abort.abort() });
  }

  /** The bridges read for this connection and snapshot's nodes; starts the read when there is none yet. */
  of(connection: ConnectionSettings, snapshot: ClusterSnapshot): ByNode | undefined {
    const online = snapshot.nodes.filter((n) => n.status !== 'offline').map((n) => n.node);
    const key = `${JSON.stringify(connection)}\n${online.join('\n')}`;
    const entry = this.read.get(connection.id);
    if (entry?.key === key) return entry.byNode;
    this.read.set(connection.id, { key });
    void this.load(connection, online, key);
    return undefined;
  }

  private async load(connection: ConnectionSettings, nodes: readonly string[], key: string): Promise<void> {
    const signal = this.abort.signal;
    try {
      const api = await this.explorer.pool.get(connection);
      const lists = await Promise.all(nodes.map((node) => api.bridges(node, { signal }).then((list) => [node, list.map((b) => b.iface)] as const, () => undefined)));
      const byNode: Record<string, readonly string[]> = {};
      for (const l of lists) if (l) byNode[l[0]] = l[1];
      if (signal.aborted || this.read.get(connection.id)?.key !== key) return;
      this.read.set(connection.id, { key, byNode });
      this.changed();
    } catch {
      // No client (no secret stored): nothing to check against; the tree says why.
    }
  }
}
