import type { LiveGuest } from '../../core/graph/graphView';
import type { ExplorerApi } from '../explorer';

export interface LiveSnapshot {
  readonly connection: string;
  readonly guests: readonly LiveGuest[];
}

/** The active connection's guests (one /cluster/resources request), or undefined when none is configured. */
export type LiveSource = () => Promise<LiveSnapshot | undefined>;

export function liveSourceOf(explorer: Pick<ExplorerApi, 'store' | 'pool'>): LiveSource {
  return async () => {
    const connection = explorer.store.active();
    if (!connection) return undefined;
    const api = await explorer.pool.get(connection);
    const snapshot = await api.clusterResources();
    return {
      connection: connection.name,
      guests: snapshot.guests.map((g) => ({ vmid: g.vmid, name: g.name, type: g.type, status: g.status, template: g.template })),
    };
  };
}
