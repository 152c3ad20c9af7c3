/**
 * The graph panel's layout: d3-hierarchy's tidy tree (Buchheim, Jünger and Leipert's linear-time
 * Reingold–Tilford) per tree, the trees packed in rows. Manifests, fleets and talos node lists are forests
 * (a node has at most one parent), so a tree layout draws them without crossings, and in linear time: ELK's
 * layered algorithm took 1.2–9.5 s for 500 nodes in the webview (bench/graph), this takes milliseconds.
 * Broken files may hold cycles or a second parent: such an edge is not a tree edge but is still drawn.
 * Pure (no DOM): boxes are sized from their text, so the layout starts before anything is drawn.
 */
import { hierarchy, tree, type HierarchyPointNode } from 'd3-hierarchy';
import type { GraphView } from './graphView';
import { boxWidth, NODE_HEIGHT } from './layoutInput';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  readonly boxes: Map<string, Box>;
  readonly width: number;
  readonly height: number;
}

const SIBLING_GAP = 24;
const COUSIN_GAP = 40;
const LAYER_GAP = 40;
const COMPONENT_GAP = 56;
const PADDING = 24;
/** Rows of trees aim at this width : height ratio (a wide editor pane). */
const ASPECT = 1.6;

interface Item {
  readonly id: string;
  readonly width: number;
}

interface Component {
  readonly boxes: { id: string; x: number; y: number; width: number }[];
  readonly width: number;
  readonly height: number;
}

/** Each node's tree parent: the first edge into it from a known node, cycles cut where they are met. */
export function treeParents(view: GraphView): Map<string, string> {
  const ids = new Set(view.nodes.map((n) => n.id));
  const parent = new Map<string, string>();
  for (const e of view.edges) {
    if (e.from !== e.to && ids.has(e.from) && ids.has(e.to) && !parent.has(e.to)) parent.set(e.to, e.from);
  }
  // A node whose parent chain comes back to itself is in a cycle: it becomes a root.
  const settled = new Set<string>();
  for (const n of view.nodes) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | undefined = n.id;
    while (at !== undefined && !settled.has(at)) {
      if (onPath.has(at)) {
        parent.delete(at);
        break;
      }
      onPath.add(at);
      path.push(at);
      at = parent.get(at);
    }
    for (const p of path) settled.add(p);
  }
  return parent;
}

export function layoutForest(view: GraphView): Layout {
  const parent = treeParents(view);
  const items = new Map<string, Item>(view.nodes.map((n) => [n.id, { id: n.id, width: boxWidth(n) }]));
  const children = new Map<string, Item[]>();
  const roots: Item[] = [];
  for (const n of view.nodes) {
    const item = items.get(n.id)!;
    const p = parent.get(n.id);
    if (p === undefined) roots.push(item);
    else {
      const list = children.get(p);
      if (list) list.push(item);
      else children.set(p, [item]);
    }
  }
  const layer = NODE_HEIGHT + LAYER_GAP;
  const tidy = tree<Item>()
    .nodeSize([1, layer])
    .separation((a, b) => (a.data.width + b.data.width) / 2 + (a.parent === b.parent ? SIBLING_GAP : COUSIN_GAP));
  const components = roots.map((root) => component(tidy(hierarchy(root, (d) => children.get(d.id)))));
  return pack(components);
}

function component(root: HierarchyPointNode<Item>): Component {
  let minX = Infinity;
  let maxX = -Infinity;
  let maxY = 0;
  const nodes = root.descendants();
  for (const d of nodes) {
    minX = Math.min(minX, d.x - d.data.width / 2);
    maxX = Math.max(maxX, d.x + d.data.width / 2);
    maxY = Math.max(maxY, d.y);
  }
  return {
    boxes: nodes.map((d) => ({ id: d.data.id, x: d.x - d.data.width / 2 - minX, y: d.y, width: d.data.width })),
    width: maxX - minX,
    height: maxY + NODE_HEIGHT,
  };
}

/** Lays the trees out left to right in file order, wrapping into rows near the target aspect ratio. */
function pack(components: readonly Component[]): Layout {
  const area = components.reduce((s, c) => s + (c.width + COMPONENT_GAP) * (c.height + COMPONENT_GAP), 0);
  const widest = components.reduce((m, c) => Math.max(m, c.width), 0);
  const rowWidth = Math.max(widest, Math.sqrt(area * ASPECT));
  const boxes = new Map<string, Box>();
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const c of components) {
    if (x > 0 && x + c.width > rowWidth) {
      x = 0;
      y += rowHeight + COMPONENT_GAP;
      rowHeight = 0;
    }
    for (const b of c.boxes) boxes.set(b.id, { x: PADDING + x + b.x, y: PADDING + y + b.y, width: b.width, height: NODE_HEIGHT });
    width = Math.max(width, x + c.width);
    rowHeight = Math.max(rowHeight, c.height);
    x += c.width + COMPONENT_GAP;
  }
  return { boxes, width: width + 2 * PADDING, height: (components.length ? y + rowHeight : 0) + 2 * PADDING };
}
