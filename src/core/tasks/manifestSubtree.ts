import { manifestNodes } from '../iac/manifest';
import { loadData } from '../iac/yaml/parse';
import { isSafeName } from './names';

/**
 * One node of a v2 manifest with everything below it, as a manifest of its own: what "Plan this node" hands to
 * iac-driver as `--manifest-json` (the driver's own delegation cuts subtrees the same way). The node becomes a
 * root (its `parent` is dropped). Undefined when the text does not parse or has no such node.
 */
export function manifestSubtree(text: string, nodeName: string): Record<string, unknown> | undefined {
  if (!isSafeName(nodeName)) return undefined;
  const data = loadData(text)?.[0];
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const nodes = manifestNodes(data);
  if (!nodes.some((n) => n.name === nodeName)) return undefined;
  const keep = new Set([nodeName]);
  // Parents may be listed after their children: repeat until no node joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of nodes) {
      if (n.name && n.parent && keep.has(n.parent) && !keep.has(n.name)) {
        keep.add(n.name);
        grew = true;
      }
    }
  }
  const manifest = data as Record<string, unknown>;
  const name = typeof manifest.name === 'string' ? manifest.name : 'manifest';
  return {
    ...manifest,
    name: `${name}-${nodeName}`,
    nodes: nodes
      .filter((n) => n.name && keep.has(n.name))
      .map((n) => {
        if (n.name !== nodeName) return n.raw;
        const { parent: _parent, ...root } = n.raw;
        return root;
      }),
  };
}
