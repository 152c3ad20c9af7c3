/** A manifest's (or a fleet's, fleetGraph.ts) graph (manifestGraph.ts) → what the panel draws (graphView.ts). */
import { liveStateOf, uniqueIds, type GraphView, type NodeSpan, type ViewKind, type ViewNode, type ViewOptions } from './graphView';
import type { ManifestGraph } from './manifestGraph';

export function manifestView(file: string, graph: ManifestGraph, options: ViewOptions = {}, kind: ViewKind = 'manifest'): GraphView {
  const ids = uniqueIds(graph.nodes.map((n) => n.name));
  const spans = options.spans ?? [];
  const count = graph.createOrder.length;
  const nodes = graph.nodes.map((n, i): ViewNode => {
    const span = spans[i]?.name === n.name ? spans[i] : spans.find((s) => s.name === n.name);
    const mine = span ? (options.problems ?? []).filter((p) => p.line >= span.line && p.line <= lineOfEnd(span, spans)) : [];
    // The Proxmox node a fleet sits on is not a guest.
    const live = options.guests && n.type !== 'proxmox-node' ? liveStateOf(n, options.guests) : undefined;
    const first = ids[i] === n.name;
    return {
      id: ids[i],
      name: n.name,
      type: n.type,
      ...(n.vmid !== undefined ? { vmid: n.vmid } : {}),
      ...(n.parent !== undefined ? { parent: n.parent } : {}),
      ...(n.order !== undefined && first ? { order: n.order, destroyOrder: count - n.order + 1 } : {}),
      line: span?.line ?? 0,
      problems: mine.length,
      ...(mine.length ? { severity: mine.some((p) => p.severity === 'error') ? ('error' as const) : ('warning' as const) } : {}),
      ...(live ? { state: live.state, ...(live.status ? { status: live.status } : {}) } : {}),
      runnable: (options.isRunnableName ?? (() => true))(n.name),
    };
  });
  return {
    kind,
    title: graph.name,
    file,
    nodes,
    edges: graph.edges,
    ...(options.connection ? { connection: options.connection } : {}),
  };
}

/** The last line that belongs to `span`: up to the line before the next entry starts. */
function lineOfEnd(span: NodeSpan, spans: readonly NodeSpan[]): number {
  const next = spans.find((s) => s.start > span.start && s.line > span.line);
  return next ? next.line - 1 : Number.MAX_SAFE_INTEGER;
}

