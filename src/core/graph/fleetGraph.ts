/**
 * hosts.nix fleets and talos-cluster nodes.yaml as graphs: each guest under the Proxmox node it runs on, in the
 * same shape as a manifest's graph (manifestGraph.ts) so that the panel, the CLI's `graph` command and their
 * create order agree. A fleet has one Proxmox node (hosts.nix `_proxmox.node`, talos cluster.yaml
 * `proxmox_node`); when the file does not name it, the root is called "Proxmox node".
 */
import type { DeclaredGuest } from '../iac/types';
import { isRecord } from '../iac/siteConfig';
import { talosNodes } from '../iac/talos';
import { LineIndex } from '../iac/text';
import { parseYaml } from '../iac/yaml/parse';
import type { NodeSpan } from './graphView';
import { buildManifestGraph, type ManifestGraph } from './manifestGraph';
import { nodeSpans } from './manifestSource';

export const UNNAMED_PROXMOX_NODE = 'Proxmox node';

export type FleetSource = { readonly graph: ManifestGraph; readonly spans: NodeSpan[] } | { readonly message: string };

/** Where the Proxmox node is named, when the file says (`hosts.nix:37` → line 36). */
export interface FleetRoot {
  readonly node?: string;
  readonly line?: number;
}

function build(title: string, root: FleetRoot, entries: readonly { name: string; type: string; vmid?: number; line: number }[]): { graph: ManifestGraph; spans: NodeSpan[] } {
  const rootName = root.node ?? UNNAMED_PROXMOX_NODE;
  const graph = buildManifestGraph({
    name: title,
    nodes: [{ name: rootName, type: 'proxmox-node' }, ...entries.map((e) => ({ name: e.name, type: e.type, ...(e.vmid !== undefined ? { vmid: e.vmid } : {}), parent: rootName }))],
  });
  // Offsets stand in for lines: the view only compares them to tell which entry a problem's line is in.
  const spans = [root.line ?? 0, ...entries.map((e) => e.line)].map((line, i) => ({ name: i === 0 ? rootName : entries[i - 1].name, start: line, end: line, line }));
  return { graph, spans };
}

/** A hosts.nix fleet from its declared guests (declaredGuestsFromNix) and `_proxmox` settings (nixProxmoxSettings). */
export function hostsNixGraph(title: string, guests: readonly DeclaredGuest[], settings?: { readonly node?: string; readonly source?: string }): { graph: ManifestGraph; spans: NodeSpan[] } {
  const line = settings?.source ? Number(/:(\d+)$/.exec(settings.source)?.[1] ?? 1) - 1 : undefined;
  return build(
    title,
    { ...(settings?.node ? { node: settings.node } : {}), ...(line !== undefined ? { line } : {}) },
    guests.map((g) => ({ name: g.name, type: g.template ? 'template' : 'host', ...(g.vmid !== undefined ? { vmid: g.vmid } : {}), line: g.range.start.line })),
  );
}

/** `proxmox_node` of a talos cluster.yaml text (the file beside nodes.yaml); undefined when absent or unreadable. */
export function talosProxmoxNode(clusterText: string | undefined): string | undefined {
  if (clusterText === undefined) return undefined;
  const tree = parseYaml(clusterText);
  const data = tree.errors.length ? undefined : tree.docs[0]?.data;
  return isRecord(data) && typeof data.proxmox_node === 'string' && data.proxmox_node ? data.proxmox_node : undefined;
}

/** A talos-cluster nodes.yaml: controllers and workers under the cluster's Proxmox node. */
export function talosGraph(title: string, nodesText: string, proxmoxNode: string | undefined): FleetSource {
  const tree = parseYaml(nodesText);
  if (tree.errors.length) return { message: `nodes.yaml is not valid YAML (${tree.errors[0].message}); fix it to see its graph.` };
  const doc = tree.docs[0];
  const data: unknown = doc?.data;
  if (!isRecord(data) || !Array.isArray(data.nodes)) return { message: 'nodes.yaml has no nodes[] list: nothing to draw.' };
  const spans = doc?.root ? nodeSpans(doc.root, new LineIndex(nodesText)) : [];
  const list = data.nodes as unknown[];
  const entries = talosNodes(data)
    .filter((n): n is typeof n & { name: string } => n.name !== undefined)
    .map((n) => {
      const raw = list[n.index];
      const controller = isRecord(raw) && raw.controller === true;
      return { name: n.name, type: controller ? 'controller' : 'worker', ...(n.vmid !== undefined ? { vmid: n.vmid } : {}), line: spans.find((s) => s.name === n.name)?.line ?? 0 };
    });
  return build(title, proxmoxNode ? { node: proxmoxNode } : {}, entries);
}
