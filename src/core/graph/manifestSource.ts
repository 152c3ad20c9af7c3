/**
 * A manifest's text → its graph and where each node is declared. The same parse and graph as the CLI's
 * `graph` command (src/cli/graph.ts), so the panel and the CLI number the nodes alike.
 */
import { LineIndex } from '../iac/text';
import { parseYaml, type YNode } from '../iac/yaml/parse';
import { buildManifestGraph, type ManifestGraph } from './manifestGraph';
import type { NodeSpan } from './graphView';

export type ManifestSource = { readonly graph: ManifestGraph; readonly spans: NodeSpan[] } | { readonly message: string };

export function readManifest(text: string): ManifestSource {
  const tree = parseYaml(text);
  if (tree.errors.length) return { message: `The manifest is not valid YAML (${tree.errors[0].message}); fix it to see its graph.` };
  const doc = tree.docs[0];
  let graph: ManifestGraph;
  try {
    graph = buildManifestGraph(doc?.data);
  } catch (err) {
    return { message: err instanceof Error ? err.message : String(err) };
  }
  return { graph, spans: doc?.root ? nodeSpans(doc.root, new LineIndex(text)) : [] };
}

/** nodes[] (v2) or levels[] (v1) entries with a name, in file order (talos nodes.yaml has nodes[] too). */
export function nodeSpans(root: YNode, lines: LineIndex): NodeSpan[] {
  const list = valueOf(root, 'nodes') ?? valueOf(root, 'levels');
  if (list?.k !== 'seq') return [];
  const spans: NodeSpan[] = [];
  for (const item of list.items ?? []) {
    const name = valueOf(item, 'name');
    if (name?.k !== 'scalar' || typeof name.v !== 'string') continue;
    spans.push({ name: name.v, start: item.s, end: item.e, line: lines.positionAt(item.s).line });
  }
  return spans;
}

function valueOf(map: YNode, key: string): YNode | undefined {
  if (map.k !== 'map') return undefined;
  return map.pairs?.find((p) => p.key.v === key)?.value;
}
