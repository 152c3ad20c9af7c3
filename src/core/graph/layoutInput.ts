/**
 * The graph panel's input to ELK (elkjs): one box per node, sized from its text (no DOM measuring, so the
 * layout can start before anything is drawn), and one edge per parent → child. Manifests and fleets are
 * forests (cycles only in broken files), so ELK's `layered` algorithm runs with its cheap strategies: a tree
 * has no crossings to minimise. Measured in bench/graph.
 */
import type { GraphView, ViewNode } from './graphView';

export const NODE_HEIGHT = 52;
const CHAR_WIDTH = 7.4;
const MIN_WIDTH = 120;
const MAX_WIDTH = 320;

export interface ElkInputNode {
  readonly id: string;
  readonly width: number;
  readonly height: number;
}

export interface ElkInput {
  readonly id: string;
  readonly layoutOptions: Record<string, string>;
  readonly children: ElkInputNode[];
  readonly edges: { readonly id: string; readonly sources: string[]; readonly targets: string[] }[];
}

/** The box's second line: "vm 99021", "nested PVE 99011", "container". */
export function subtitleOf(n: ViewNode): string {
  const type = n.type === 'pve' ? 'pve' : n.type === 'proxmox-node' ? 'Proxmox node' : n.type;
  return n.vmid !== undefined ? `${type} · ${n.vmid}` : type;
}

export function boxWidth(n: ViewNode): number {
  const chars = Math.max(n.name.length + 4, subtitleOf(n).length + 4);
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars * CHAR_WIDTH + 24)));
}

export const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.layered.thoroughness': '1',
  'elk.layered.crossingMinimization.strategy': 'NONE',
  'elk.layered.greedySwitch.type': 'OFF',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.compaction.postCompaction.strategy': 'NONE',
  'elk.separateConnectedComponents': 'true',
  'elk.padding': '[top=24,left=24,bottom=24,right=24]',
};

export function elkInputOf(view: GraphView): ElkInput {
  const ids = new Set(view.nodes.map((n) => n.id));
  return {
    id: 'root',
    layoutOptions: LAYOUT_OPTIONS,
    children: view.nodes.map((n) => ({ id: n.id, width: boxWidth(n), height: NODE_HEIGHT })),
    // Edges name nodes by name; the first node of a repeated name carries the name as its id.
    edges: view.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
}

/**
 * What decides the layout: the nodes, their box sizes and the edges. An edit that keeps this (a changed VMID
 * of the same width, a new problem, a guest that starts) re-renders without a new layout, so positions stay.
 */
export function topologyKey(view: GraphView): string {
  return JSON.stringify([view.nodes.map((n) => [n.id, boxWidth(n)]), view.edges.map((e) => [e.from, e.to])]);
}

/** A short hash of a topology key (FNV-1a, 2 × 32 bits), for the page's saved layout. */
export function topologyHash(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}:${key.length}`;
}
