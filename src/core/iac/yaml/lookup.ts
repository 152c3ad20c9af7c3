/** Lookups in a parsed YAML tree: the node at a path, and the path at an offset. */
import type { PathSegment, YNode } from './tree';

/** The node at `path` in a document, and the key node that holds it (undefined for the root or an item). */
export function locate(root: YNode | undefined, path: readonly PathSegment[]): { node?: YNode; key?: YNode; parent?: YNode } {
  let node = root;
  let key: YNode | undefined;
  let parent: YNode | undefined;
  for (const seg of path) {
    if (!node) return { parent };
    parent = node;
    if (node.k === 'map' && node.pairs) {
      const pair = findPair(node, String(seg));
      if (!pair) return { parent };
      key = pair.key;
      node = pair.value;
    } else if (node.k === 'seq' && node.items && typeof seg === 'number') {
      key = undefined;
      node = node.items[seg];
    } else return { parent };
  }
  return { node, key, parent };
}

export function findPair(map: YNode, name: string): { key: YNode; value: YNode | undefined } | undefined {
  if (!map.pairs) return undefined;
  for (const p of map.pairs) if (String(p.key.v) === name) return p;
  return undefined;
}

export interface PathAt {
  path: PathSegment[];
  /** The innermost node at the offset. */
  node: YNode | undefined;
  /** True when the offset sits on a key rather than a value. */
  onKey: boolean;
  /** The map that holds the key or value at the offset. */
  map?: YNode;
}

/** The JSON path of the node under `offset` (offsets at the very end of a node still count). */
export function pathAt(root: YNode | undefined, offset: number): PathAt {
  const path: PathSegment[] = [];
  let node = root;
  let map: YNode | undefined;
  const onKey = false;
  while (node) {
    if (node.k === 'map' && node.pairs) {
      let next: YNode | undefined;
      for (const p of node.pairs) {
        if (offset >= p.key.s && offset <= p.key.e) {
          path.push(String(p.key.v));
          return { path, node: p.key, onKey: true, map: node };
        }
        if (p.value && offset >= p.value.s && offset <= p.value.e) {
          path.push(String(p.key.v));
          map = node;
          next = p.value;
          break;
        }
      }
      if (!next) break;
      node = next;
    } else if (node.k === 'seq' && node.items) {
      const idx = node.items.findIndex((it) => offset >= it.s && offset <= it.e);
      if (idx < 0) break;
      path.push(idx);
      node = node.items[idx];
    } else break;
  }
  return { path, node, onKey, map };
}
