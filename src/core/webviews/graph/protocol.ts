/**
 * The manifest graph panel's messages, both directions, with a guard for each. Pure: the extension
 * (src/vscode/graph/) and the page (webview/graph/) import it. Every incoming message passes its guard first;
 * one that does not is ignored and logged.
 */
import type { GraphView, LiveState, ViewNode } from '../../graph/graphView';
import { isWebviewLogMessage, type WebviewLogMessage } from '../common';
import { isArrayOf, isBoolean, isFiniteNumber, isOneOf, isOptional, isRecord, isString } from '../guards';

export const GRAPH_VIEW_TYPE = 'proxmoxIac.graph';

export type NodeAction = 'plan' | 'apply' | 'destroy';
export const isNodeAction = isOneOf(['plan', 'apply', 'destroy'] as const);

/** extension → page */
export type ToPage =
  /** The whole view; `version` grows with each edit, and `rendered` answers with it. */
  | { readonly type: 'graph'; readonly version: number; readonly view: GraphView }
  /**
   * What changed since version `base` (see delta.ts), sent after the page has a full view; a page without
   * `base` ignores it and answers `resync`.
   */
  | { readonly type: 'graphDelta'; readonly version: number; readonly base: number; readonly delta: GraphDelta }
  /** Asks the page for a standalone SVG of what it shows (answered by `svg`). */
  | { readonly type: 'exportSvg' };

/** page → extension */
export type FromPage =
  /** The page loaded; `state` is what it kept from before (a reload, or the panel hidden and shown). */
  | { readonly type: 'ready'; readonly state?: PageState }
  /** Shows the node's declaration; `focus`: move the keyboard focus to the editor (Enter), not for a click. */
  | { readonly type: 'reveal'; readonly id: string; readonly focus?: boolean }
  | { readonly type: 'run'; readonly action: NodeAction; readonly id: string }
  | { readonly type: 'rendered'; readonly report: RenderReport }
  /** The page got a delta for a version it does not have (it was reloaded meanwhile): send the whole view. */
  | { readonly type: 'resync'; readonly have: number }
  | { readonly type: 'svg'; readonly svg: string }
  | { readonly type: 'stateChanged'; readonly state: PageState }
  | WebviewLogMessage;

/** The change from one view to the next (built by diffViews in delta.ts). */
export interface GraphDelta {
  readonly header: Pick<GraphView, 'kind' | 'title' | 'file' | 'message' | 'connection'>;
  /** Nodes that are new or changed, whole. */
  readonly nodes: readonly ViewNode[];
  readonly removed: readonly string[];
  /** Every node's id in the new order; absent when the ids and their order did not change. */
  readonly order?: readonly string[];
  /** The new edges, all of them; absent when they did not change. */
  readonly edges?: GraphView['edges'];
}

/** What the page keeps across reloads (getState/setState) and the serializer hands back. */
export interface PageState {
  readonly file: string;
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
  readonly destroyOrder: boolean;
  /**
   * The last layout, so a page shown again (hidden panels are not kept) or restored after a reload draws at
   * once instead of laying out again; used only while the graph's topology hash still matches.
   */
  readonly layout?: SavedLayout;
}

export interface SavedLayout {
  readonly hash: string;
  readonly width: number;
  readonly height: number;
  /** [id, x, y, width, height] per node. */
  readonly boxes: readonly (readonly [string, number, number, number, number])[];
}

/** What the page drew, so tests and the benchmark check content through the protocol. */
export interface RenderReport {
  readonly version: number;
  /**
   * Only the nodes a delta changed are in `nodes` (same topology, so same layout and edges; `edges` is empty);
   * the extension merges it into the last full report (mergeReport in delta.ts).
   */
  readonly partial?: boolean;
  /** A new layout ran (false: an edit kept the topology and only the boxes' contents changed). */
  readonly relayout: boolean;
  readonly layoutMs: number;
  readonly renderMs: number;
  /** Wall-clock times (ms since the epoch) when the page got the graph and sent this report (the benchmark's split). */
  readonly receivedAt?: number;
  readonly sentAt?: number;
  readonly zoom: number;
  readonly destroyOrder: boolean;
  readonly nodes: readonly RenderedNode[];
  /** Edges drawn, as `from->to`. */
  readonly edges: readonly string[];
}

export interface RenderedNode {
  readonly id: string;
  /** The number on the node: create order, or destroy order while that toggle is on. */
  readonly number?: number;
  readonly label: string;
  readonly state?: LiveState;
  readonly problems: number;
  readonly x: number;
  readonly y: number;
}

const MAX_ID = 512;
const isId = (v: unknown): v is string => isString(v) && v.length > 0 && v.length <= MAX_ID;

const isBoxRow = (v: unknown): v is [string, number, number, number, number] =>
  Array.isArray(v) && v.length === 5 && isId(v[0]) && v.slice(1).every(isFiniteNumber);

function isSavedLayout(v: unknown): v is SavedLayout {
  return isRecord(v) && isString(v.hash) && v.hash.length <= 64 && isFiniteNumber(v.width) && isFiniteNumber(v.height) && isArrayOf(isBoxRow, 20_000)(v.boxes);
}

export function isPageState(v: unknown): v is PageState {
  return (
    isRecord(v) &&
    isOptional(isSavedLayout)(v.layout) &&
    isString(v.file) &&
    v.file.length <= 4096 &&
    isFiniteNumber(v.zoom) &&
    v.zoom > 0 &&
    isFiniteNumber(v.panX) &&
    isFiniteNumber(v.panY) &&
    isBoolean(v.destroyOrder)
  );
}

const isLiveState = isOneOf(['running', 'stopped', 'missing', 'other'] as const);

function isRenderedNode(v: unknown): v is RenderedNode {
  return (
    isRecord(v) &&
    isId(v.id) &&
    isOptional(isFiniteNumber)(v.number) &&
    isString(v.label) &&
    isOptional(isLiveState)(v.state) &&
    isFiniteNumber(v.problems) &&
    isFiniteNumber(v.x) &&
    isFiniteNumber(v.y)
  );
}

function isRenderReport(v: unknown): v is RenderReport {
  return (
    isRecord(v) &&
    isFiniteNumber(v.version) &&
    isOptional(isBoolean)(v.partial) &&
    isBoolean(v.relayout) &&
    isFiniteNumber(v.layoutMs) &&
    isFiniteNumber(v.renderMs) &&
    (v.receivedAt === undefined || isFiniteNumber(v.receivedAt)) &&
    (v.sentAt === undefined || isFiniteNumber(v.sentAt)) &&
    isFiniteNumber(v.zoom) &&
    isBoolean(v.destroyOrder) &&
    isArrayOf(isRenderedNode, 20_000)(v.nodes) &&
    isArrayOf(isString, 20_000)(v.edges)
  );
}

/** An exported SVG is at most this large (a 5,000-node graph is about 2 MB). */
export const MAX_SVG_CHARS = 8_000_000;

export function isFromPage(v: unknown): v is FromPage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
      return isOptional(isPageState)(v.state);
    case 'reveal':
      return isId(v.id) && isOptional(isBoolean)(v.focus);
    case 'run':
      return isNodeAction(v.action) && isId(v.id);
    case 'rendered':
      return isRenderReport(v.report);
    case 'resync':
      return isFiniteNumber(v.have);
    case 'svg':
      return isString(v.svg) && v.svg.length <= MAX_SVG_CHARS && v.svg.startsWith('<svg');
    case 'stateChanged':
      return isPageState(v.state);
    case 'log':
      return isWebviewLogMessage(v);
    default:
      return false;
  }
}

function isViewNode(v: unknown): v is ViewNode {
  return (
    isRecord(v) &&
    isId(v.id) &&
    isString(v.name) &&
    isString(v.type) &&
    isOptional(isFiniteNumber)(v.vmid) &&
    isOptional(isString)(v.parent) &&
    isOptional(isFiniteNumber)(v.order) &&
    isOptional(isFiniteNumber)(v.destroyOrder) &&
    isFiniteNumber(v.line) &&
    isFiniteNumber(v.problems) &&
    isOptional(isOneOf(['error', 'warning'] as const))(v.severity) &&
    isOptional(isLiveState)(v.state) &&
    isOptional(isString)(v.status) &&
    isBoolean(v.runnable)
  );
}

const isEdge = (v: unknown): v is { from: string; to: string } => isRecord(v) && isString(v.from) && isString(v.to);

function isViewHeader(v: unknown): v is GraphDelta['header'] {
  return (
    isRecord(v) &&
    isOneOf(['manifest', 'fleet', 'talos'] as const)(v.kind) &&
    isString(v.title) &&
    isString(v.file) &&
    isOptional(isString)(v.message) &&
    isOptional(isString)(v.connection)
  );
}

export function isGraphView(v: unknown): v is GraphView {
  return isRecord(v) && isArrayOf(isViewNode, 20_000)(v.nodes) && isArrayOf(isEdge, 20_000)(v.edges) && isViewHeader(v);
}

export function isGraphDelta(v: unknown): v is GraphDelta {
  return (
    isRecord(v) &&
    isViewHeader(v.header) &&
    isArrayOf(isViewNode, 20_000)(v.nodes) &&
    isArrayOf(isId, 20_000)(v.removed) &&
    isOptional(isArrayOf(isId, 20_000))(v.order) &&
    isOptional(isArrayOf(isEdge, 20_000))(v.edges)
  );
}

export function isToPage(v: unknown): v is ToPage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'graph':
      return isFiniteNumber(v.version) && isGraphView(v.view);
    case 'graphDelta':
      return isFiniteNumber(v.version) && isFiniteNumber(v.base) && v.base < v.version && isGraphDelta(v.delta);
    case 'exportSvg':
      return true;
    default:
      return false;
  }
}
