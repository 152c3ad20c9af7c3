/**
 * What the graph layout (treeLayout.ts) needs of each node: its box, sized from its text (no DOM measuring, so
 * the layout can start before anything is drawn), and what decides whether an edit needs a new layout.
 */
import type { GraphView, ViewNode } from './graphView';

export const NODE_HEIGHT = 52;
const CHAR_WIDTH = 7.4;
const MIN_WIDTH = 120;
const MAX_WIDTH = 320;

/** The box's second line: "vm 99021", "nested PVE 99011", "container". */
export function subtitleOf(n: ViewNode): string {
  const type = n.type === 'proxmox-node' ? 'Proxmox node' : n.type === 'controller' ? 'control plane' : n.type;
  return n.vmid !== undefined ? `${type} · ${n.vmid}` : type;
}

export function boxWidth(n: ViewNode): number {
  const chars = Math.max(n.name.length + 4, subtitleOf(n).length + 4);
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars * CHAR_WIDTH + 24)));
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
