/**
 * Draws the graph as SVG: one focusable group per node (box, name, type · VMID, order badge, live-state dot,
 * problem mark) and one path per parent → child edge. `updateNodes` changes only what an edit changed, so an
 * edit that keeps the layout re-renders without rebuilding the picture.
 */
import type { ViewNode } from '../../src/core/graph/graphView';
import { nodeLabel } from '../../src/core/graph/graphView';
import { subtitleOf } from '../../src/core/graph/layoutInput';
import type { Box, Layout } from './layout';

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The drawn node groups by id (kept by drawAll, so lookups are not a selector search per node). */
const groups = new Map<string, SVGGElement>();
/** What each group shows now, so an update touches only the nodes that changed. */
const shown = new Map<string, string>();

export function nodeElement(_root: Element, id: string): SVGGElement | null {
  return groups.get(id) ?? null;
}

/** Rebuilds every node and edge in `layer` from a new layout. */
export function drawAll(edgesLayer: SVGGElement, nodesLayer: SVGGElement, nodes: readonly ViewNode[], edges: readonly { from: string; to: string }[], layout: Layout, destroy: boolean): void {
  edgesLayer.replaceChildren();
  nodesLayer.replaceChildren();
  groups.clear();
  shown.clear();
  const edgeFragment = document.createDocumentFragment();
  for (const e of edges) {
    const a = layout.boxes.get(e.from);
    const b = layout.boxes.get(e.to);
    if (!a || !b) continue;
    edgeFragment.append(el('path', { class: 'edge', d: edgePath(a, b), 'data-edge': `${e.from}->${e.to}`, 'marker-end': 'url(#arrow)' }));
  }
  edgesLayer.append(edgeFragment);
  const fragment = document.createDocumentFragment();
  // DOM order = create order, so Tab walks the nodes in the order they are created.
  const ordered = [...nodes].sort((x, y) => (x.order ?? Number.MAX_SAFE_INTEGER) - (y.order ?? Number.MAX_SAFE_INTEGER));
  for (const n of ordered) {
    const box = layout.boxes.get(n.id);
    if (!box) continue;
    const g = el('g', { class: 'node', 'data-id': n.id, tabindex: 0, role: 'button', transform: `translate(${box.x},${box.y})` });
    g.append(
      el('rect', { class: 'box', width: box.width, height: box.height, rx: 4 }),
      el('text', { class: 'name', x: 34, y: 21 }),
      el('text', { class: 'sub', x: 34, y: 39 }),
      el('circle', { class: 'badge', cx: 16, cy: 16, r: 11 }),
      el('text', { class: 'badge-num', x: 16, y: 20, 'text-anchor': 'middle' }),
      el('circle', { class: 'state', cx: box.width - 12, cy: 12, r: 5 }),
      el('text', { class: 'problem', x: box.width - 12, y: box.height - 8, 'text-anchor': 'middle' }),
    );
    groups.set(n.id, g);
    fillNode(g, n, destroy);
    fragment.append(g);
  }
  nodesLayer.append(fragment);
}

/** Refreshes the node groups whose contents changed (same topology, same layout); returns how many. */
export function updateNodes(nodes: readonly ViewNode[], destroy: boolean): number {
  let changed = 0;
  for (const n of nodes) {
    const g = groups.get(n.id);
    if (g && fillNode(g, n, destroy)) changed++;
  }
  return changed;
}

/** Fills a node group; false when it already showed exactly this. */
function fillNode(g: SVGGElement, n: ViewNode, destroy: boolean): boolean {
  const key = JSON.stringify([n, destroy]);
  if (shown.get(n.id) === key) return false;
  shown.set(n.id, key);
  const number = destroy ? n.destroyOrder : n.order;
  const classes = ['node', `type-${n.type}`];
  if (n.state) classes.push(`state-${n.state}`);
  if (n.severity) classes.push(`severity-${n.severity}`);
  if (number === undefined) classes.push('unreachable');
  if (g.classList.contains('selected')) classes.push('selected');
  g.setAttribute('class', classes.join(' '));
  g.setAttribute('aria-label', nodeLabel(n, destroy));
  setText(g, 'text.name', n.name);
  setText(g, 'text.sub', subtitleOf(n));
  setText(g, 'text.badge-num', number === undefined ? '–' : String(number));
  setText(g, 'text.problem', n.problems ? '⚠' : '');
  const title = g.querySelector('title') ?? g.appendChild(el('title'));
  title.textContent = nodeLabel(n, destroy);
  if (n.runnable) {
    g.setAttribute('data-vscode-context', JSON.stringify({ webviewSection: 'node', graphNodeId: n.id, preventDefaultContextMenuItems: true }));
  } else {
    g.removeAttribute('data-vscode-context');
  }
  return true;
}

function setText(g: SVGGElement, selector: string, text: string): void {
  const t = g.querySelector(selector);
  if (t && t.textContent !== text) t.textContent = text;
}

function edgePath(a: Box, b: Box): string {
  const x1 = a.x + a.width / 2;
  const y1 = a.y + a.height;
  const x2 = b.x + b.width / 2;
  const y2 = b.y - 2;
  const mid = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`;
}
