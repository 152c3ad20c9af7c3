/**
 * The manifest graph page. The extension sends the view (`graph`, see src/core/webviews/graph/protocol.ts),
 * then after each edit only what changed (`graphDelta`, applied with delta.ts); the page lays it out (a tidy
 * tree, see layout.ts) when the topology changed, else refreshes the changed boxes in place, keeps zoom and
 * pan, and answers with `rendered` (for a delta that kept the layout, only the changed nodes). Clicking or
 * Enter reveals a node; the toolbar and the context menu run plan / apply / destroy through the extension.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '../shared/base.css';
import './style.css';
import type { GraphView, ViewNode } from '../../src/core/graph/graphView';
import { topologyHash, topologyKey } from '../../src/core/graph/layoutInput';
import { applyDelta } from '../../src/core/webviews/graph/delta';
import { isPageState, isToPage, type FromPage, type NodeAction, type PageState, type RenderReport } from '../../src/core/webviews/graph/protocol';
import { connectHost, initialState } from '../shared/host';
import { drawAll, nodeElement, updateNodes } from './draw';
import { standaloneSvg } from './exportSvg';
import { neighbour } from './keyboard';
import { layoutGraph, type Layout } from './layout';
import { Viewport } from './viewport';

const host = connectHost<PageState, FromPage>(isPageState);
const initial = initialState();
const initialFile = typeof initial === 'object' && initial !== null && 'file' in initial && typeof initial.file === 'string' ? initial.file : '';
const saved = host.savedState();
const state: { -readonly [K in keyof PageState]: PageState[K] } = saved ?? { file: initialFile, zoom: 1, panX: 0, panY: 0, destroyOrder: false };
let placed = saved !== undefined;

const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!;
document.body.innerHTML = `
<div class="toolbar" role="toolbar" aria-label="Graph">
  <span class="title" id="title"></span>
  <vscode-checkbox id="destroy" aria-label="Show destroy order">Destroy order</vscode-checkbox>
  <span class="spacer"></span>
  <span class="selection muted" id="selection" aria-live="polite"></span>
  <vscode-button id="plan" secondary disabled>Plan</vscode-button>
  <vscode-button id="apply" secondary disabled>Apply</vscode-button>
  <vscode-button id="destroyNode" secondary disabled>Destroy</vscode-button>
  <vscode-button id="zoomOut" secondary aria-label="Zoom out">−</vscode-button>
  <vscode-button id="zoomIn" secondary aria-label="Zoom in">+</vscode-button>
  <vscode-button id="fit" secondary>Fit</vscode-button>
  <vscode-button id="export" secondary>Export SVG</vscode-button>
</div>
<div class="legend muted" id="legend"></div>
<div class="message" id="message" role="status" hidden></div>
<svg id="graph" role="group" aria-label="Manifest graph" tabindex="-1">
  <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>
  <g id="viewport"><g id="edges"></g><g id="nodes"></g></g>
</svg>`;

const svg = $<SVGSVGElement>('#graph');
const layer = $<SVGGElement>('#viewport');
const edgesLayer = $<SVGGElement>('#edges');
const nodesLayer = $<SVGGElement>('#nodes');
const destroyToggle = $<HTMLElement & { checked: boolean }>('#destroy');
destroyToggle.checked = state.destroyOrder;

let saveTimer: ReturnType<typeof setTimeout> | undefined;
const viewport = new Viewport(svg, layer, state, () => {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveState, 250);
});

function saveState(): void {
  host.setState({ ...state });
  const { layout: _layout, ...small } = state;
  host.post({ type: 'stateChanged', state: small });
}

function savedLayoutFor(hash: string): Layout | undefined {
  const saved = state.layout;
  if (saved?.hash !== hash) return undefined;
  return { width: saved.width, height: saved.height, boxes: new Map(saved.boxes.map(([id, x, y, width, height]) => [id, { x, y, width, height }])) };
}

function keepLayout(hash: string, l: Layout): void {
  state.layout = { hash, width: l.width, height: l.height, boxes: [...l.boxes].map(([id, b]) => [id, b.x, b.y, b.width, b.height] as const) };
  host.setState({ ...state });
}

let view: GraphView | undefined;
let version = -1;
let layout: Layout | undefined;
let topology = '';
let selected: string | undefined;
let receivedAt: number | undefined;
/** A `resync` was sent and the whole view has not come yet: later deltas are dropped without asking again. */
let resyncAsked = false;

host.onMessage(isToPage, (message) => {
  switch (message.type) {
    case 'graph':
      receivedAt = performance.timeOrigin + performance.now();
      resyncAsked = false;
      render(message.version, message.view);
      break;
    case 'graphDelta': {
      receivedAt = performance.timeOrigin + performance.now();
      const next = view && message.base === version ? applyDelta(view, message.delta) : undefined;
      if (next) render(message.version, next, message.delta.nodes);
      else if (!resyncAsked) {
        resyncAsked = true;
        host.post({ type: 'resync', have: version });
      }
      break;
    }
    case 'exportSvg':
      if (layout) host.post({ type: 'svg', svg: standaloneSvg(svg, layer, layout.width, layout.height) });
      break;
  }
});

/** Draws `next`; `changed`: it came as a delta changing these nodes (the others are drawn as they are). */
function render(nextVersion: number, next: GraphView, changed?: readonly ViewNode[]): void {
  const started = performance.now();
  const key = topologyKey(next);
  const relayout = !layout || key !== topology;
  let layoutMs = 0;
  const hash = topologyHash(key);
  const reused = relayout ? savedLayoutFor(hash) : undefined;
  if (reused) layout = reused;
  else if (relayout) {
    try {
      layout = layoutGraph(next);
    } catch (err) {
      host.log('error', `graph layout failed: ${err instanceof Error ? err.message : String(err)}`);
      showMessage(`The graph could not be laid out: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    layoutMs = performance.now() - started;
    keepLayout(hash, layout);
  }
  const drawStarted = performance.now();
  const focused = (document.activeElement)?.closest?.('g.node')?.getAttribute('data-id') ?? undefined;
  view = next;
  version = nextVersion;
  topology = key;
  if (relayout) {
    drawAll(edgesLayer, nodesLayer, next.nodes, next.edges, layout!, state.destroyOrder);
    if (selected) nodeElement(nodesLayer, selected)?.classList.add('selected');
    if (focused) (nodeElement(nodesLayer, focused))?.focus();
    if (!placed) {
      viewport.fit(layout!.width, layout!.height);
      placed = true;
    }
  } else {
    updateNodes(changed ?? next.nodes, state.destroyOrder);
  }
  if (selected && !next.nodes.some((n) => n.id === selected)) select(undefined);
  else updateSelection();
  showHeader(next);
  const renderMs = performance.now() - drawStarted;
  report(relayout, layoutMs, renderMs, relayout ? undefined : changed);
}

/** Tells the extension what the page drew: every node, or with `only` the nodes a delta changed (`partial`). */
function report(relayout: boolean, layoutMs: number, renderMs: number, only?: readonly ViewNode[]): void {
  if (!view || !layout) return;
  const r: RenderReport = {
    version,
    ...(only ? { partial: true } : {}),
    relayout,
    layoutMs,
    renderMs,
    ...(receivedAt !== undefined ? { receivedAt } : {}),
    zoom: state.zoom,
    destroyOrder: state.destroyOrder,
    nodes: (only ?? view.nodes).map((n) => {
      const box = layout!.boxes.get(n.id);
      const number = state.destroyOrder ? n.destroyOrder : n.order;
      return {
        id: n.id,
        ...(number !== undefined ? { number } : {}),
        label: nodeElement(nodesLayer, n.id)?.getAttribute('aria-label') ?? '',
        ...(n.state ? { state: n.state } : {}),
        problems: n.problems,
        x: box?.x ?? 0,
        y: box?.y ?? 0,
      };
    }),
    edges: only ? [] : Array.from(edgesLayer.querySelectorAll('path.edge'), (p) => p.getAttribute('data-edge') ?? ''),
  };
  host.post({ type: 'rendered', report: { ...r, sentAt: performance.timeOrigin + performance.now() } });
}

function showHeader(v: GraphView): void {
  $('#title').textContent = `${v.title} — ${v.nodes.length} ${v.nodes.length === 1 ? 'node' : 'nodes'}`;
  $('#legend').textContent = v.connection
    ? `Live state from ${v.connection}: green dot running, grey dot stopped, ring missing (declared, not on the cluster); ⚠ problems in the file`
    : 'No connection open: live state is off.  ⚠ problems in the file';
  if (v.message) showMessage(v.message);
  else $<HTMLElement>('#message').hidden = true;
}

function showMessage(text: string): void {
  const m = $<HTMLElement>('#message');
  m.textContent = text;
  m.hidden = false;
}

function nodeOf(id: string | undefined): ViewNode | undefined {
  return id === undefined ? undefined : view?.nodes.find((n) => n.id === id);
}

function select(id: string | undefined): void {
  if (selected) nodeElement(nodesLayer, selected)?.classList.remove('selected');
  selected = id;
  if (id) nodeElement(nodesLayer, id)?.classList.add('selected');
  updateSelection();
}

function updateSelection(): void {
  const n = nodeOf(selected);
  $('#selection').textContent = n ? n.name : '';
  for (const b of ['#plan', '#apply', '#destroyNode']) {
    const button = $<HTMLElement & { disabled: boolean }>(b);
    button.disabled = !n?.runnable;
  }
}

function reveal(id: string, focus: boolean): void {
  select(id);
  host.post({ type: 'reveal', id, focus });
}

function run(action: NodeAction): void {
  if (selected && nodeOf(selected)?.runnable) host.post({ type: 'run', action, id: selected });
}

nodesLayer.addEventListener('click', (e) => {
  const id = (e.target as Element).closest('g.node')?.getAttribute('data-id');
  if (id) reveal(id, false);
});
nodesLayer.addEventListener('contextmenu', (e) => {
  const id = (e.target as Element).closest('g.node')?.getAttribute('data-id');
  if (id) select(id);
});
nodesLayer.addEventListener('focusin', (e) => {
  const g = (e.target as Element).closest('g.node');
  const id = g?.getAttribute('data-id');
  if (!g || !id || !layout) return;
  select(id);
  const box = layout.boxes.get(id);
  if (box) viewport.ensureVisible(box.x, box.y, box.width, box.height);
});
nodesLayer.addEventListener('keydown', (e) => {
  const id = (e.target as Element).closest('g.node')?.getAttribute('data-id');
  const current = nodeOf(id ?? undefined);
  if (!current || !view || !layout) return;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    reveal(current.id, true);
    return;
  }
  const next = neighbour(e.key, current, view.nodes, layout.boxes);
  if (next) {
    e.preventDefault();
    (nodeElement(nodesLayer, next.id))?.focus();
  }
});

destroyToggle.addEventListener('change', () => {
  state.destroyOrder = destroyToggle.checked;
  if (view) {
    updateNodes(view.nodes, state.destroyOrder);
    report(false, 0, 0);
  }
  saveState();
});
$('#plan').addEventListener('click', () => run('plan'));
$('#apply').addEventListener('click', () => run('apply'));
$('#destroyNode').addEventListener('click', () => run('destroy'));
$('#zoomIn').addEventListener('click', () => viewport.zoomBy(1.25));
$('#zoomOut').addEventListener('click', () => viewport.zoomBy(1 / 1.25));
$('#fit').addEventListener('click', () => layout && viewport.fit(layout.width, layout.height));
$('#export').addEventListener('click', () => {
  if (layout) host.post({ type: 'svg', svg: standaloneSvg(svg, layer, layout.width, layout.height) });
});

host.setState({ ...state });
host.post({ type: 'ready', ...(saved ? { state: saved } : {}) });
