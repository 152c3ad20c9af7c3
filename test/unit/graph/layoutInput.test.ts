import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import ELK from 'elkjs/lib/elk.bundled.js';
import { readManifest } from '../../../src/core/graph/manifestSource';
import { manifestView } from '../../../src/core/graph/manifestView';
import { boxWidth, elkInputOf, NODE_HEIGHT, subtitleOf, topologyHash, topologyKey } from '../../../src/core/graph/layoutInput';

function viewOf(text: string) {
  const source = readManifest(text);
  if ('message' in source) throw new Error(source.message);
  return manifestView('/m/x.yaml', source.graph, { spans: source.spans });
}

const TEXT = 'schema_version: 2\nname: t\nnodes:\n  - {name: root-pve, type: pve, vmid: 99011}\n  - {name: edge, type: vm, parent: root-pve, vmid: 99021}\n  - {name: db, type: ct, parent: root-pve}\n  - {name: orphan, type: vm, parent: nowhere}\n  - {name: a-very-long-node-name-that-goes-on-and-on-and-on-and-on, type: vm}\n';

test('ELK input: one box per node, one edge per known parent, box text fits', () => {
  const view = viewOf(TEXT);
  const input = elkInputOf(view);
  assert.deepEqual(input.children.map((c) => c.id), ['root-pve', 'edge', 'db', 'orphan', 'a-very-long-node-name-that-goes-on-and-on-and-on-and-on']);
  assert.deepEqual(input.edges.map((e) => `${e.sources[0]}->${e.targets[0]}`), ['root-pve->edge', 'root-pve->db']);
  assert.ok(input.children.every((c) => c.height === NODE_HEIGHT));
  assert.equal(subtitleOf(view.nodes[0]), 'pve · 99011');
  assert.equal(subtitleOf(view.nodes[2]), 'ct');
  assert.ok(boxWidth(view.nodes[0]) >= 120);
  assert.equal(boxWidth(view.nodes[4]), 320, 'long names are capped');
  assert.equal(new Set(input.edges.map((e) => e.id)).size, input.edges.length);
});

test('ELK lays the input out with children below their parent and no overlapping boxes', async () => {
  const out = await new ELK().layout(elkInputOf(viewOf(TEXT)));
  const box = new Map((out.children ?? []).map((c) => [c.id, c]));
  const y = (id: string) => box.get(id)!.y!;
  assert.ok(y('edge') > y('root-pve') && y('db') > y('root-pve'), JSON.stringify(out.children));
  const all = [...box.values()];
  for (const a of all) {
    for (const b of all) {
      if (a === b) continue;
      const overlap = a.x! < b.x! + b.width && b.x! < a.x! + a.width && a.y! < b.y! + b.height && b.y! < a.y! + a.height;
      assert.ok(!overlap, `${a.id} overlaps ${b.id}`);
    }
  }
});

test('the saved layout\'s topology hash is stable and tells topologies apart', () => {
  const a = topologyKey(viewOf(TEXT));
  assert.equal(topologyHash(a), topologyHash(topologyKey(viewOf(TEXT))));
  assert.notEqual(topologyHash(a), topologyHash(topologyKey(viewOf(TEXT.replace('parent: root-pve, vmid: 99021', 'vmid: 99021')))));
  assert.ok(topologyHash(a).length <= 64);
});
