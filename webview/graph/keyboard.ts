/**
 * Keyboard use of the graph: Tab walks the nodes in create order (their DOM order), arrows move along the
 * tree (Up: parent, Down: first child, Left/Right: neighbours under the same parent), Enter or Space
 * reveals the node in the editor, and the context-menu key (Shift+F10) opens its actions.
 */
import type { ViewNode } from '../../src/core/graph/graphView';
import type { Box } from './layout';

export function neighbour(key: string, current: ViewNode, nodes: readonly ViewNode[], boxes: Map<string, Box>): ViewNode | undefined {
  const x = (n: ViewNode) => boxes.get(n.id)?.x ?? 0;
  switch (key) {
    case 'ArrowUp':
      return current.parent !== undefined ? nodes.find((n) => n.id === current.parent) : undefined;
    case 'ArrowDown':
      return nodes.filter((n) => n.parent === current.id).sort((a, b) => x(a) - x(b))[0];
    case 'ArrowLeft':
    case 'ArrowRight': {
      const row = nodes.filter((n) => n.parent === current.parent).sort((a, b) => x(a) - x(b));
      const i = row.findIndex((n) => n.id === current.id);
      return row[i + (key === 'ArrowLeft' ? -1 : 1)];
    }
    default:
      return undefined;
  }
}
