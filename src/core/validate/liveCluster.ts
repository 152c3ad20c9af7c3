/**
 * What validation needs from a live cluster, built from one `/cluster/resources` answer: each guest's VMID,
 * name, node and template flag, the node names and each node's storages. The extension (after each explorer
 * refresh) and the CLI (`validate --live`) build it here, so both check files against the same data.
 */
import type { LiveInventory } from '../iac/types';
import type { ClusterSnapshot } from '../pve/types';
import type { LiveCluster } from './api';

/** Node names, each node's storages and, when read, its bridges (a few dozen rows, however many guests). */
export function liveInventoryOf(s: Pick<ClusterSnapshot, 'nodes' | 'storages'>, bridges?: LiveInventory['bridges']): LiveInventory {
  return {
    nodes: s.nodes.map((n) => n.node),
    storages: s.storages.map((st) => ({ node: st.node, storage: st.storage, content: st.content })),
    ...(bridges ? { bridges } : {}),
  };
}

/** Plain data only (it crosses to the language worker): no Guest objects, no figures. */
export function liveClusterOf(s: Pick<ClusterSnapshot, 'guests' | 'nodes' | 'storages'>, inventory: LiveInventory = liveInventoryOf(s)): LiveCluster {
  return { guests: s.guests.map((g) => ({ vmid: g.vmid, name: g.name, node: g.node, template: g.template })), ...inventory };
}
