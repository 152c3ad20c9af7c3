import * as nodePath from 'node:path';
import { hostsNixGraph, talosGraph, talosProxmoxNode } from '../core/graph/fleetGraph';
import { buildManifestGraph, graphToDot, graphToMermaid, type ManifestGraph } from '../core/graph/manifestGraph';
import { declaredGuestsFromNix, nixProxmoxSettings, NIX_NOT_INSTALLED_MESSAGE, resolveNixBin } from '../core/iac/nix/index';
import { parseYaml } from '../core/iac/yaml/parse';
import { nodeFileSource } from '../core/validate/nodeFiles';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from './command';
import { safeJson } from './safeText';

const usage = `Usage: proxmox-iac graph FILE [--format json|dot|mermaid]

Prints the deployment graph of an iac-driver manifest: nodes, parent → child edges, the create order
(breadth-first from the roots, as iac-driver creates them) and the destroy order (its reverse).
A hosts.nix fleet (evaluated with Nix) or a talos-cluster nodes.yaml prints as its guests under their
Proxmox node (hosts.nix \`_proxmox.node\`, cluster.yaml \`proxmox_node\` beside nodes.yaml), as the
graph panel draws it.

  --format json      {"name", "nodes", "edges", "createOrder", "destroyOrder", "unreachable"} (default)
  --format dot       Graphviz (pipe into 'dot -Tsvg')
  --format mermaid   a Mermaid flowchart

Exit status: 0 ok, 1 the manifest has nodes outside the tree (unknown parent or cycle), 2 could not run.`;

export const graphCommand: CliCommand = {
  name: 'graph',
  summary: 'Print a manifest\'s (or hosts.nix / talos nodes.yaml fleet\'s) node graph and create/destroy order (json, dot, mermaid)',
  usage,
  async run(args, io) {
    let format = 'json';
    let file: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--format') format = args[++i] ?? '';
      else if (a.startsWith('--format=')) format = a.slice(9);
      else if (a.startsWith('-')) {
        io.err(`proxmox-iac graph: unknown option '${a}'. Run 'proxmox-iac graph --help'.`);
        return EXIT_USAGE;
      } else if (file === undefined) file = a;
      else {
        io.err('proxmox-iac graph: give exactly one manifest file.');
        return EXIT_USAGE;
      }
    }
    if (!['json', 'dot', 'mermaid'].includes(format)) {
      io.err(`proxmox-iac graph: --format must be json, dot or mermaid, not '${format}'.`);
      return EXIT_USAGE;
    }
    if (!file) {
      io.err('proxmox-iac graph: give a manifest file, e.g. proxmox-iac graph site-config/manifests/n2-push.yaml.');
      return EXIT_USAGE;
    }
    const abs = nodePath.resolve(io.cwd, file);
    const text = await nodeFileSource().readFile(abs);
    if (text === undefined) {
      io.err(`proxmox-iac graph: cannot read '${file}'.`);
      return EXIT_USAGE;
    }
    let graph: ManifestGraph;
    const name = nodePath.basename(abs);
    if (name === 'hosts.nix') {
      if (!resolveNixBin()) {
        io.err(`proxmox-iac graph: ${NIX_NOT_INSTALLED_MESSAGE}`);
        return EXIT_USAGE;
      }
      const options = { workspaceRoots: [io.cwd] };
      const [guests, settings] = await Promise.all([declaredGuestsFromNix(abs, text, options), nixProxmoxSettings(abs, text, options)]);
      if (!guests.length && !settings) {
        io.err(`proxmox-iac graph: '${file}' declares no host with a \`proxmox\` set, or Nix could not evaluate it; run 'proxmox-iac validate ${file}'.`);
        return EXIT_USAGE;
      }
      graph = hostsNixGraph(nodePath.basename(nodePath.dirname(abs)) || 'hosts.nix', guests, settings).graph;
    } else if (/^nodes(\.sample)?\.ya?ml$/i.test(name)) {
      const dir = nodePath.dirname(abs);
      const cluster = (await nodeFileSource().readFile(nodePath.join(dir, 'cluster.yaml'))) ?? (await nodeFileSource().readFile(nodePath.join(dir, 'cluster.sample.yaml')));
      const source = talosGraph(nodePath.basename(dir) || 'talos', text, talosProxmoxNode(cluster));
      if ('message' in source) {
        io.err(`proxmox-iac graph: ${file}: ${source.message}`);
        return EXIT_USAGE;
      }
      graph = source.graph;
    } else {
      const tree = parseYaml(text);
      if (tree.errors.length) {
        io.err(`proxmox-iac graph: '${file}' is not valid YAML (${tree.errors[0].message}) Run 'proxmox-iac validate ${file}' for details.`);
        return EXIT_USAGE;
      }
      try {
        graph = buildManifestGraph(tree.docs[0]?.data);
      } catch (err) {
        io.err(`proxmox-iac graph: ${file}: ${err instanceof Error ? err.message : String(err)}`);
        return EXIT_USAGE;
      }
    }
    io.out(format === 'dot' ? graphToDot(graph) : format === 'mermaid' ? graphToMermaid(graph) : safeJson(graph));
    if (graph.unreachable.length) {
      io.err(`proxmox-iac graph: ${graph.unreachable.join(', ')} ${graph.unreachable.length === 1 ? 'is' : 'are'} not reachable from a root (unknown parent or a cycle); run 'proxmox-iac validate ${file}'.`);
      return EXIT_FAILED;
    }
    return EXIT_OK;
  },
};
