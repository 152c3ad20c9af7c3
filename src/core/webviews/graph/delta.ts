/**
 * An edit of a large manifest changes a node or two, yet the whole view (about 75 KB for 500 nodes) through
 * VS Code's postMessage path took most of an edit's time (bench/graph). So after the first full view the
 * extension sends what changed: `diffViews` builds the delta, the page rebuilds the view with `applyDelta`
 * and lays it out itself when the topology changed, and answers with the changed nodes only, which the
 * extension merges into the last full report (`mergeReport`). Pure: both sides import it.
 */
import type { GraphView, ViewNode } from '../../graph/graphView';
import type { GraphDelta, RenderReport } from './protocol';

/** A delta is sent only while it changes at most this many nodes, or a quarter of the graph if that is more. */
export const DELTA_MIN_NODES = 32;

type Edge = GraphView['edges'][number];

function sameNode(a: ViewNode, b: ViewNode): boolean {
  const ka = Object.keys(a) as (keyof ViewNode)[];
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

function sameEdges(a: readonly Edge[], b: readonly Edge[]): boolean {
  return a.length === b.length && a.every((e, i) => e.from === b[i].from && e.to === b[i].to);
}

function header(v: GraphView): GraphDelta['header'] {
  return {
    kind: v.kind,
    title: v.title,
    file: v.file,
    ...(v.message !== undefined ? { message: v.message } : {}),
    ...(v.connection !== undefined ? { connection: v.connection } : {}),
  };
}

/**
 * What turns `prev` into `next`, or undefined when the whole view is the better message: many nodes changed,
 * or ids repeat (a view the page could not rebuild by id).
 */
export function diffViews(prev: GraphView, next: GraphView): GraphDelta | undefined {
  const before = new Map<string, ViewNode>();
  for (const n of prev.nodes) before.set(n.id, n);
  if (before.size !== prev.nodes.length) return undefined;
  const limit = Math.max(DELTA_MIN_NODES, Math.floor(next.nodes.length / 4));
  const nodes: ViewNode[] = [];
  const seen = new Set<string>();
  let sameOrder = prev.nodes.length === next.nodes.length;
  for (const [i, n] of next.nodes.entries()) {
    if (seen.has(n.id)) return undefined;
    seen.add(n.id);
    if (sameOrder && prev.nodes[i].id !== n.id) sameOrder = false;
    const old = before.get(n.id);
    if (!old || !sameNode(old, n)) {
      nodes.push(n);
      if (nodes.length > limit) return undefined;
    }
  }
  const removed = prev.nodes.filter((n) => !seen.has(n.id)).map((n) => n.id);
  if (nodes.length + removed.length > limit) return undefined;
  return {
    header: header(next),
    nodes,
    removed,
    ...(sameOrder ? {} : { order: next.nodes.map((n) => n.id) }),
    ...(sameEdges(prev.edges, next.edges) ? {} : { edges: next.edges }),
  };
}

/**
 * The view `diffViews(prev, next)` was built from: `applyDelta(prev, diffViews(prev, next))` equals `next`.
 * Undefined when the delta does not fit `prev` (an order naming a node neither had): the page then asks for
 * the whole view.
 */
export function applyDelta(prev: GraphView, delta: GraphDelta): GraphView | undefined {
  const byId = new Map<string, ViewNode>();
  for (const n of prev.nodes) byId.set(n.id, n);
  for (const id of delta.removed) byId.delete(id);
  for (const n of delta.nodes) byId.set(n.id, n);
  const order = delta.order ?? prev.nodes.filter((n) => byId.has(n.id)).map((n) => n.id);
  const nodes: ViewNode[] = [];
  for (const id of order) {
    const n = byId.get(id);
    if (!n) return undefined;
    nodes.push(n);
  }
  if (nodes.length !== byId.size) return undefined;
  return { ...delta.header, nodes, edges: delta.edges ?? prev.edges };
}

/**
 * The full report after a partial one (the page re-rendered only the nodes a delta changed, same topology):
 * the changed nodes replaced, everything else from `partial`, the edges from before.
 */
export function mergeReport(last: RenderReport, partial: RenderReport): RenderReport {
  const changed = new Map(partial.nodes.map((n) => [n.id, n]));
  const { partial: _partial, ...rest } = partial;
  return { ...rest, nodes: last.nodes.map((n) => changed.get(n.id) ?? n), edges: last.edges };
}
