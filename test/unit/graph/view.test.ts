import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readManifest } from '../../../src/core/graph/manifestSource';
import { manifestView } from '../../../src/core/graph/manifestView';
import { graphToDot, graphToMermaid } from '../../../src/core/graph/manifestGraph';
import { liveStateOf, nodeLabel } from '../../../src/core/graph/graphView';
import { topologyKey } from '../../../src/core/graph/layoutInput';
import { isSafeName } from '../../../src/core/tasks/names';

const TREE = `schema_version: 2
name: tree
nodes:
  - name: r1
    type: pve
    vmid: 100
  - {name: a, type: vm, parent: r2}
  - name: r2
    type: pve
  - name: p
    type: pve
    parent: r1
  - name: b
    type: ct
    parent: p
    vmid: 200
  - name: c
    type: vm
    parent: r1
`;

function read(text: string) {
  const source = readManifest(text);
  if ('message' in source) throw new Error(source.message);
  return source;
}

test('the panel numbers nodes in the CLI graph command\'s create order, and the destroy order is its reverse', () => {
  const { graph, spans } = read(TREE);
  const view = manifestView('/m/tree.yaml', graph, { spans });
  const byOrder = [...view.nodes].sort((x, y) => x.order! - y.order!).map((n) => n.name);
  assert.deepEqual(byOrder, graph.createOrder);
  assert.deepEqual(byOrder, ['r1', 'r2', 'p', 'c', 'a', 'b']);
  const byDestroy = [...view.nodes].sort((x, y) => x.destroyOrder! - y.destroyOrder!).map((n) => n.name);
  assert.deepEqual(byDestroy, graph.destroyOrder);
  // The CLI's dot and mermaid labels carry the same numbers.
  assert.match(graphToDot(graph), /"b" \[label="6\. b\\nct 200"/);
  assert.match(graphToMermaid(graph), /n_p\["3\. p \(pve\)"\]/);
  assert.deepEqual(view.edges, graph.edges);
});

test('each node knows the line it is declared on, in block and flow style', () => {
  const { graph, spans } = read(TREE);
  const view = manifestView('/m/tree.yaml', graph, { spans });
  const line = (name: string) => view.nodes.find((n) => n.name === name)!.line;
  assert.equal(line('r1'), 3);
  assert.equal(line('a'), 6);
  assert.equal(line('b'), 12);
  assert.equal(line('c'), 16);
});

test('problems count for the node whose lines they are on; errors win over warnings', () => {
  const { graph, spans } = read(TREE);
  const view = manifestView('/m/tree.yaml', graph, {
    spans,
    problems: [
      { line: 5, severity: 'warning' },
      { line: 14, severity: 'warning' },
      { line: 15, severity: 'error' },
      { line: 0, severity: 'error' },
    ],
  });
  const n = (name: string) => view.nodes.find((x) => x.name === name)!;
  assert.equal(n('r1').problems, 1);
  assert.equal(n('r1').severity, 'warning');
  assert.equal(n('b').problems, 2);
  assert.equal(n('b').severity, 'error');
  assert.equal(n('c').problems, 0);
  assert.equal(n('c').severity, undefined);
});

test('live state: by VMID when declared, else by name and type; missing when the cluster lacks it', () => {
  const guests = [
    { vmid: 100, name: 'other-name', type: 'qemu' as const, status: 'running' },
    { vmid: 201, name: 'c', type: 'qemu' as const, status: 'stopped' },
    { vmid: 202, name: 'a', type: 'lxc' as const, status: 'running' },
    { vmid: 203, name: 'p', type: 'qemu' as const, status: 'paused' },
  ];
  assert.deepEqual(liveStateOf({ name: 'r1', type: 'pve', vmid: 100 }, guests), { state: 'running' });
  assert.deepEqual(liveStateOf({ name: 'c', type: 'vm' }, guests), { state: 'stopped' });
  assert.deepEqual(liveStateOf({ name: 'a', type: 'vm' }, guests), { state: 'missing' }, 'a VM is not matched by a container of the same name');
  assert.deepEqual(liveStateOf({ name: 'a', type: 'ct' }, guests), { state: 'running' });
  assert.deepEqual(liveStateOf({ name: 'p', type: 'pve' }, guests), { state: 'other', status: 'paused' });
  assert.deepEqual(liveStateOf({ name: 'b', type: 'ct', vmid: 200 }, guests), { state: 'missing' });
  const { graph, spans } = read(TREE);
  const view = manifestView('/m/tree.yaml', graph, { spans, guests, connection: 'lab' });
  assert.equal(view.connection, 'lab');
  assert.match(nodeLabel(view.nodes.find((n) => n.name === 'b')!, false), /^created 6th, b, container 200, on p, missing on the cluster$/);
  assert.match(nodeLabel(view.nodes.find((n) => n.name === 'b')!, true), /^destroyed 1st, /);
  assert.equal(manifestView('/m/tree.yaml', graph, { spans }).nodes[0].state, undefined, 'no connection: no live state');
});

test('a node with a name a task cannot take is drawn but offers no plan/apply/destroy', () => {
  const { graph, spans } = read('schema_version: 2\nname: x\nnodes:\n  - {name: ok-1, type: vm}\n  - {name: "a;rm -rf ~", type: vm}\n');
  const view = manifestView('/m/x.yaml', graph, { spans, isRunnableName: isSafeName });
  assert.deepEqual(view.nodes.map((n) => n.runnable), [true, false]);
});

test('repeated names get unique ids; unreachable nodes get no number', () => {
  const { graph, spans } = read('schema_version: 2\nname: x\nnodes:\n  - {name: a, type: pve}\n  - {name: a, type: vm}\n  - {name: c, type: vm, parent: zz}\n');
  const view = manifestView('/m/x.yaml', graph, { spans });
  assert.deepEqual(view.nodes.map((n) => n.id), ['a', 'a#2', 'c']);
  assert.equal(view.nodes[1].order, undefined);
  assert.equal(view.nodes[2].order, undefined);
  assert.match(nodeLabel(view.nodes[2], false), /^not reachable from a root/);
});

test('v1 levels are drawn as a chain; text that is not a manifest gives a message, not a throw', () => {
  const { graph, spans } = read('schema_version: 1\nname: old\nlevels:\n  - name: host\n  - name: inner\n  - name: leaf\n');
  const view = manifestView('/m/old.yaml', graph, { spans });
  assert.deepEqual(view.edges, [{ from: 'host', to: 'inner' }, { from: 'inner', to: 'leaf' }]);
  assert.deepEqual(view.nodes.map((n) => n.line), [3, 4, 5]);
  const broken = readManifest('nodes: [\n');
  assert.ok('message' in broken && /not valid YAML/.test(broken.message));
  const other = readManifest('just: text\n');
  assert.ok('message' in other && /neither nodes\[\]/.test(other.message));
});

test('the topology key changes with nodes and edges, not with state, problems or the destroy numbers', () => {
  const { graph, spans } = read(TREE);
  const a = manifestView('/m/tree.yaml', graph, { spans });
  const b = manifestView('/m/tree.yaml', graph, { spans, problems: [{ line: 3, severity: 'error' }], guests: [], connection: 'x' });
  assert.equal(topologyKey(a), topologyKey(b));
  const renumbered = read(TREE.replace('vmid: 200', 'vmid: 201'));
  assert.equal(topologyKey(a), topologyKey(manifestView('/m/tree.yaml', renumbered.graph, { spans: renumbered.spans })), 'a VMID of the same width keeps the layout');
  const moved = read(TREE.replace('parent: p\n', 'parent: r1\n'));
  assert.notEqual(topologyKey(a), topologyKey(manifestView('/m/tree.yaml', moved.graph, { spans: moved.spans })));
});
