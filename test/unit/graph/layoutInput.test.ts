import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readManifest } from '../../../src/core/graph/manifestSource';
import { manifestView } from '../../../src/core/graph/manifestView';
import { boxWidth, NODE_HEIGHT, subtitleOf, topologyHash, topologyKey } from '../../../src/core/graph/layoutInput';
import { layoutForest, treeParents } from '../../../src/core/graph/treeLayout';
import type { GraphView } from '../../../src/core/graph/graphView';

function viewOf(text: string) {
  const source = readManifest(text);
  if ('message' in source) throw new Error(source.message);
  return manifestView('/m/x.yaml', source.graph, { spans: source.spans });
}

const TEXT = 'schema_version: 2\nname: t\nnodes:\n  - {name: root-pve, type: pve, vmid: 99011}\n  - {name: edge, type: vm, parent: root-pve, vmid: 99021}\n  - {name: db, type: ct, parent: root-pve}\n  - {name: orphan, type: vm, parent: nowhere}\n  - {name: a-very-long-node-name-that-goes-on-and-on-and-on-and-on, type: vm}\n';

function assertNoOverlap(boxes: Map<string, { x: number; y: number; width: number; height: number }>): void {
  const all = [...boxes];
  for (const [ida, a] of all) {
    for (const [idb, b] of all) {
      if (ida === idb) continue;
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      assert.ok(!overlap, `${ida} overlaps ${idb}`);
    }
  }
}

test('box sizes: text fits, long names are capped', () => {
  const view = viewOf(TEXT);
  assert.equal(subtitleOf(view.nodes[0]), 'pve · 99011');
  assert.equal(subtitleOf(view.nodes[2]), 'ct');
  assert.ok(boxWidth(view.nodes[0]) >= 120);
  assert.equal(boxWidth(view.nodes[4]), 320, 'long names are capped');
});

test('tree layout: one box per node, children one layer below their parent, no overlapping boxes', () => {
  const out = layoutForest(viewOf(TEXT));
  assert.deepEqual([...out.boxes.keys()].sort(), ['a-very-long-node-name-that-goes-on-and-on-and-on-and-on', 'db', 'edge', 'orphan', 'root-pve']);
  const y = (id: string) => out.boxes.get(id)!.y;
  assert.ok(y('edge') > y('root-pve') && y('db') > y('root-pve'));
  assert.equal(y('edge'), y('db'));
  assert.ok([...out.boxes.values()].every((b) => b.height === NODE_HEIGHT && b.x >= 0 && b.y >= 0 && b.x + b.width <= out.width && b.y + b.height <= out.height));
  assertNoOverlap(out.boxes);
});

function bigView(count: number): GraphView {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i++) {
    const parent = i < 4 ? undefined : i < 40 ? `n${i % 4}` : `n${4 + (i % 36)}`;
    nodes.push({ id: `n${i}`, name: `node-${i}`, type: i < 40 ? 'pve' : 'vm', vmid: 100000 + i, line: i, problems: 0, runnable: true, ...(parent ? { parent } : {}) });
    if (parent) edges.push({ from: parent, to: `n${i}` });
  }
  return { kind: 'manifest', title: 't', file: '/x', nodes, edges };
}

test('tree layout of 500 nodes: no overlaps, a picture not wider than a few screens per row, and fast', () => {
  const view = bigView(500);
  layoutForest(view);
  const started = performance.now();
  const out = layoutForest(view);
  const ms = performance.now() - started;
  assert.equal(out.boxes.size, 500);
  assertNoOverlap(out.boxes);
  for (const e of view.edges) assert.ok(out.boxes.get(e.to)!.y > out.boxes.get(e.from)!.y, `${e.from} above ${e.to}`);
  // Generous: the page's figure is measured in bench/graph; this only catches an accidental quadratic layout.
  assert.ok(ms < 250, `${ms} ms`);
});

test('cycles and second parents: every node still gets a box; the cycle is cut where it is met', () => {
  const node = (id: string) => ({ id, name: id, type: 'vm', line: 0, problems: 0, runnable: false });
  const view: GraphView = { kind: 'manifest', title: 't', file: '/x', nodes: ['a', 'b', 'c', 'd'].map(node), edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }, { from: 'c', to: 'd' }, { from: 'a', to: 'd' }, { from: 'c', to: 'c' }] };
  const parents = treeParents(view);
  assert.equal(parents.get('d'), 'c', 'the first parent wins');
  assert.equal(parents.has('c'), false);
  assert.equal([parents.has('a'), parents.has('b')].filter(Boolean).length, 1, 'exactly one edge of the a–b cycle is cut');
  const out = layoutForest(view);
  assert.equal(out.boxes.size, 4);
  assertNoOverlap(out.boxes);
});

test('the saved layout\'s topology hash is stable and tells topologies apart', () => {
  const a = topologyKey(viewOf(TEXT));
  assert.equal(topologyHash(a), topologyHash(topologyKey(viewOf(TEXT))));
  assert.notEqual(topologyHash(a), topologyHash(topologyKey(viewOf(TEXT.replace('parent: root-pve, vmid: 99021', 'vmid: 99021')))));
  assert.ok(topologyHash(a).length <= 64);
});
