import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { hostsNixGraph, talosGraph, talosProxmoxNode, UNNAMED_PROXMOX_NODE } from '../../../src/core/graph/fleetGraph';
import { manifestView } from '../../../src/core/graph/manifestView';
import type { DeclaredGuest } from '../../../src/core/iac/types';
import { main } from '../../../src/cli/main';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const at = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 6 } });
const declared = (name: string, vmid: number, line: number, template = false): DeclaredGuest => ({ name, vmid, format: 'hosts-nix', file: '/f/hosts.nix', range: at(line), readonly: false, ...(template ? { template } : {}) });

test('hosts.nix: the hosts and the template under _proxmox.node, numbered breadth-first like a manifest', () => {
  const { graph, spans } = hostsNixGraph('fleet', [declared('template 9003', 9003, 38, true), declared('web', 170, 41), declared('db', 171, 50)], { node: 'prom', source: 'hosts.nix:35' });
  assert.deepEqual(graph.createOrder, ['prom', 'template 9003', 'web', 'db']);
  assert.deepEqual(graph.edges, [{ from: 'prom', to: 'template 9003' }, { from: 'prom', to: 'web' }, { from: 'prom', to: 'db' }]);
  assert.deepEqual(graph.nodes.map((n) => n.type), ['proxmox-node', 'template', 'host', 'host']);
  assert.deepEqual(spans.map((s) => s.line), [34, 38, 41, 50]);
  assert.deepEqual(graph.unreachable, []);
});

test('a fleet whose file names no Proxmox node still draws, under "Proxmox node"', () => {
  const { graph } = hostsNixGraph('fleet', [declared('web', 170, 3)]);
  assert.deepEqual(graph.createOrder, [UNNAMED_PROXMOX_NODE, 'web']);
});

const NODES = `# cluster nodes
nodes:
  - name: cp-1
    address: 10.0.0.1
    controller: true
    vm_id: 200
  - name: w-1
    address: 10.0.0.2
    controller: false
`;

test('talos nodes.yaml: controllers and workers under cluster.yaml proxmox_node, at their lines', () => {
  assert.equal(talosProxmoxNode('proxmox_node: pve3\n'), 'pve3');
  assert.equal(talosProxmoxNode('proxmox_node: ""\n'), undefined);
  assert.equal(talosProxmoxNode(undefined), undefined);
  const source = talosGraph('talos', NODES, 'pve3');
  assert.ok(!('message' in source));
  assert.deepEqual(source.graph.createOrder, ['pve3', 'cp-1', 'w-1']);
  assert.deepEqual(source.graph.nodes.map((n) => [n.name, n.type, n.vmid]), [['pve3', 'proxmox-node', undefined], ['cp-1', 'controller', 200], ['w-1', 'worker', undefined]]);
  const view = manifestView('/t/nodes.yaml', source.graph, { spans: source.spans, problems: [{ line: 8, severity: 'error' }], guests: [{ vmid: 200, name: 'cp-1', type: 'qemu', status: 'running' }] }, 'talos');
  assert.equal(view.kind, 'talos');
  assert.deepEqual(view.nodes.map((n) => [n.id, n.line, n.state, n.problems]), [['pve3', 0, undefined, 0], ['cp-1', 2, 'running', 0], ['w-1', 6, 'missing', 1]]);
});

test('talos nodes.yaml that does not parse, or has no nodes[], says so', () => {
  assert.match((talosGraph('t', 'nodes: [', undefined) as { message: string }).message, /not valid YAML/);
  assert.match((talosGraph('t', 'foo: 1\n', undefined) as { message: string }).message, /no nodes\[\] list/);
});

test('the CLI prints the same fleet graph for a talos nodes.yaml, with cluster.yaml beside it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'talos-'));
  writeFileSync(join(dir, 'nodes.yaml'), NODES);
  writeFileSync(join(dir, 'cluster.yaml'), 'proxmox_node: pve3\n');
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['graph', 'nodes.yaml', '--format', 'mermaid'], { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {}, cwd: dir });
  assert.equal(code, 0, err.join('\n'));
  assert.equal(out.join('\n'), ['graph TD', '  n_pve3["1. pve3 (proxmox-node)"]', '  n_cp_1["2. cp-1 (controller 200)"]', '  n_w_1["3. w-1 (worker)"]', '  n_pve3 --> n_cp_1', '  n_pve3 --> n_w_1'].join('\n'));
});
