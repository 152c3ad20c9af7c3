/**
 * The deployment graph of a v2 manifest as iac-driver's ManifestGraph builds it: nodes, parent → child
 * edges, create order breadth-first from the roots (in file order), destroy order its reverse.
 * v1 manifests are converted first: level i+1 is the child of level i.
 */
import { isRecord } from '../iac/siteConfig';

export interface GraphNode {
  readonly name: string;
  readonly type: string;
  readonly vmid?: number;
  readonly parent?: string;
  readonly depth: number;
  /** 1-based position in the create order (what the graph panel numbers); absent when unreachable. */
  readonly order?: number;
}

export interface ManifestGraph {
  readonly name: string;
  readonly nodes: GraphNode[];
  readonly edges: { readonly from: string; readonly to: string }[];
  readonly createOrder: string[];
  readonly destroyOrder: string[];
  /** Nodes left out of the orders because their parent is unknown or they sit on a cycle. */
  readonly unreachable: string[];
}

export function buildManifestGraph(data: unknown): ManifestGraph {
  if (!isRecord(data)) throw new Error('The manifest is not a YAML mapping.');
  const entries: { name: string; type: string; vmid?: number; parent?: string }[] = [];
  if (Array.isArray(data.nodes)) {
    for (const n of data.nodes) {
      if (!isRecord(n) || typeof n.name !== 'string') continue;
      entries.push({
        name: n.name,
        type: typeof n.type === 'string' ? n.type : 'vm',
        ...(typeof n.vmid === 'number' ? { vmid: n.vmid } : {}),
        ...(typeof n.parent === 'string' ? { parent: n.parent } : {}),
      });
    }
  } else if (Array.isArray(data.levels)) {
    const levels = data.levels.filter(isRecord).filter((l) => typeof l.name === 'string');
    levels.forEach((l, i) => {
      entries.push({
        name: String(l.name),
        type: i < levels.length - 1 ? 'pve' : 'vm',
        ...(typeof l.vmid === 'number' ? { vmid: l.vmid } : {}),
        ...(i > 0 ? { parent: String(levels[i - 1].name) } : {}),
      });
    });
  } else {
    throw new Error('The manifest has neither nodes[] (schema_version 2) nor levels[] (schema_version 1).');
  }
  const names = new Set(entries.map((e) => e.name));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const e of entries) {
    if (e.parent === undefined) roots.push(e.name);
    else if (names.has(e.parent)) children.set(e.parent, [...(children.get(e.parent) ?? []), e.name]);
  }
  const depth = new Map<string, number>();
  const createOrder: string[] = [];
  const queue: (readonly [string, number])[] = roots.map((r) => [r, 0] as const);
  for (let i = 0; i < queue.length; i++) {
    const [name, d] = queue[i];
    if (depth.has(name)) continue;
    depth.set(name, d);
    createOrder.push(name);
    for (const c of children.get(name) ?? []) queue.push([c, d + 1]);
  }
  const position = new Map(createOrder.map((name, i) => [name, i + 1]));
  const nodes: GraphNode[] = entries.map((e) => ({ ...e, depth: depth.get(e.name) ?? -1, ...(position.has(e.name) ? { order: position.get(e.name) } : {}) }));
  const edges = entries.filter((e) => e.parent !== undefined && names.has(e.parent)).map((e) => ({ from: e.parent!, to: e.name }));
  return {
    name: typeof data.name === 'string' ? data.name : 'manifest',
    nodes,
    edges,
    createOrder,
    destroyOrder: [...createOrder].reverse(),
    unreachable: entries.filter((e) => !depth.has(e.name)).map((e) => e.name),
  };
}

/** "3. " for the third node created: the number the graph panel shows on the node. */
export function orderPrefix(n: GraphNode): string {
  return n.order !== undefined ? `${n.order}. ` : '';
}

function dotId(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

export function graphToDot(g: ManifestGraph): string {
  const lines = [`digraph ${dotId(g.name)} {`, '  rankdir=TB;'];
  for (const n of g.nodes) {
    const label = `${orderPrefix(n)}${n.name}\\n${n.type}${n.vmid !== undefined ? ` ${n.vmid}` : ''}`;
    lines.push(`  ${dotId(n.name)} [label="${label.replace(/"/g, '\\"')}", shape=${n.type === 'pve' ? 'box3d' : 'box'}];`);
  }
  for (const e of g.edges) lines.push(`  ${dotId(e.from)} -> ${dotId(e.to)};`);
  lines.push('}');
  return lines.join('\n');
}

export function graphToMermaid(g: ManifestGraph): string {
  const id = (s: string): string => `n_${s.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = ['graph TD'];
  for (const n of g.nodes) {
    const label = `${orderPrefix(n)}${n.name} (${n.type}${n.vmid !== undefined ? ` ${n.vmid}` : ''})`.replace(/"/g, "'");
    lines.push(`  ${id(n.name)}["${label}"]`);
  }
  for (const e of g.edges) lines.push(`  ${id(e.from)} --> ${id(e.to)}`);
  return lines.join('\n');
}
