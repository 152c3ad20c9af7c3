import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { GraphView, LiveGuest } from '../../../src/core/graph/graphView';
import { readManifest } from '../../../src/core/graph/manifestSource';
import { manifestView } from '../../../src/core/graph/manifestView';
import { layoutForest } from '../../../src/core/graph/treeLayout';
import { applyDelta, diffViews, mergeReport } from '../../../src/core/webviews/graph/delta';
import { isToPage, type RenderReport } from '../../../src/core/webviews/graph/protocol';

/** A nested-PVE lab like bench/graph's: 4 PVE roots, 36 PVE hosts under them, VMs and containers under those. */
function benchManifest(count: number): string {
  const lines = ['schema_version: 2', `name: bench-${count}`, 'nodes:'];
  for (let i = 0; i < count; i++) {
    const type = i < 40 ? 'pve' : i % 3 === 0 ? 'ct' : 'vm';
    const parent = i < 4 ? undefined : i < 40 ? i % 4 : 4 + (i % 36);
    lines.push(`  - name: node-${String(i).padStart(4, '0')}`, `    type: ${type}`, `    vmid: ${100000 + i}`, ...(parent !== undefined ? [`    parent: node-${String(parent).padStart(4, '0')}`] : []), '');
  }
  return lines.join('\n');
}

function viewOf(text: string, guests?: readonly LiveGuest[]): GraphView {
  const source = readManifest(text);
  assert.ok(!('message' in source), 'the manifest parses');
  return manifestView('/w/site-config/manifests/bench.yaml', source.graph, { spans: source.spans, ...(guests ? { guests, connection: 'lab' } : {}) });
}

const big = benchManifest(500);
const base = viewOf(big);

/** The delta as the page gets it: through JSON (postMessage) and the guard. */
function roundTrip(prev: GraphView, next: GraphView): GraphView | undefined {
  const delta = diffViews(prev, next);
  if (!delta) return undefined;
  const message: unknown = JSON.parse(JSON.stringify({ type: 'graphDelta', version: 2, base: 1, delta }));
  assert.ok(isToPage(message), 'the delta passes the page’s guard');
  assert.equal(message.type, 'graphDelta');
  return message.type === 'graphDelta' ? applyDelta(JSON.parse(JSON.stringify(prev)) as GraphView, message.delta) : undefined;
}

test('a changed VMID in a 500-node manifest sends that node only, and the page rebuilds the same view', () => {
  const next = viewOf(big.replace('vmid: 100200', 'vmid: 100300'));
  const delta = diffViews(base, next)!;
  assert.deepEqual(delta.nodes.map((n) => n.id), ['node-0200']);
  assert.deepEqual(delta.removed, []);
  assert.equal(delta.order, undefined, 'no order when the ids stay in place');
  assert.equal(delta.edges, undefined, 'no edges when they stay');
  assert.ok(JSON.stringify(delta).length < JSON.stringify(next).length / 50, `${JSON.stringify(delta).length} characters instead of ${JSON.stringify(next).length}`);
  assert.deepEqual(roundTrip(base, next), next);
});

test('an added node, a removed node, a new parent and a moved node rebuild exactly, with the same layout as a full view', () => {
  const small = benchManifest(20);
  const before = viewOf(small);
  const added = viewOf(`${small}\n  - name: extra\n    type: vm\n    parent: node-0010\n`);
  const removed = viewOf(small.replace(/ {2}- name: node-0019\n( {4}.*\n)*/, ''));
  const reparented = viewOf(small.replace(/(vmid: 100015\n {4}parent: )node-\d+/, '$1node-0005'));
  assert.notDeepEqual(reparented.edges, before.edges, 'the test edit changes a parent');
  const last = / {2}- name: node-0019\n( {4}.*\n)*/.exec(small)![0];
  const moved = viewOf(small.replace(last, '').replace('nodes:\n', `nodes:\n${last}`));
  assert.equal(moved.nodes[0].id, 'node-0019', 'the test edit moves a node to the top');
  for (const [what, next] of [
    ['added', added],
    ['removed', removed],
    ['reparented', reparented],
    ['moved', moved],
  ] as const) {
    const rebuilt = roundTrip(before, next);
    assert.deepEqual(rebuilt, next, what);
    assert.deepEqual(layoutForest(rebuilt), layoutForest(next), `${what}: the page lays out what a full view would give`);
  }
  const delta = diffViews(before, removed)!;
  assert.deepEqual(delta.removed, ['node-0019']);
  assert.equal(delta.order?.length, 19);
  assert.ok(delta.edges, 'the edge to the removed node goes');
  // A new node renumbers every node's destroy order (count − create order + 1): at 500 nodes the whole view
  // is the smaller message.
  assert.equal(diffViews(base, viewOf(`${big}\n  - name: extra\n    type: vm\n    parent: node-0010\n`)), undefined);
});

test('live state and problems: a guest that starts changes one node; a new connection with every guest changed sends the whole view', () => {
  const guests = base.nodes.map((n) => ({ vmid: n.vmid!, name: n.name, type: n.type === 'ct' ? ('lxc' as const) : ('qemu' as const), status: 'stopped' }));
  const live = viewOf(big, guests);
  assert.equal(diffViews(base, live), undefined, 'every node changed: the whole view is the smaller message');
  const started = viewOf(big, guests.map((g) => (g.vmid === 100042 ? { ...g, status: 'running' } : g)));
  const delta = diffViews(live, started)!;
  assert.deepEqual(delta.nodes.map((n) => [n.id, n.state]), [['node-0042', 'running']]);
  assert.deepEqual(roundTrip(live, started), started);
  const noted = { ...live, message: 'The file does not parse. Showing the graph from before.' };
  assert.deepEqual(roundTrip(live, noted), noted, 'the note above the graph comes and goes with the header');
  assert.deepEqual(roundTrip(noted, live), live);
});

test('a small graph that changes completely is still sent as a delta; repeated ids never are', () => {
  const a = viewOf('schema_version: 2\nname: t\nnodes:\n  - {name: r, type: pve, vmid: 1}\n  - {name: l, type: vm, parent: r}\n');
  const b = viewOf('schema_version: 2\nname: t\nnodes:\n  - {name: x, type: vm, vmid: 7}\n');
  assert.deepEqual(roundTrip(a, b), b);
  const twice = { ...a, nodes: [a.nodes[0], a.nodes[0]] };
  assert.equal(diffViews(twice, a), undefined);
  assert.equal(diffViews(a, twice), undefined);
});

test('a delta that does not fit the page’s view is refused (the page then asks for the whole view)', () => {
  const next = viewOf(big.replace('vmid: 100200', 'vmid: 100300'));
  const delta = diffViews(base, next)!;
  assert.equal(applyDelta(base, { ...delta, order: [...base.nodes.map((n) => n.id), 'ghost'] }), undefined);
  assert.equal(applyDelta(base, { ...delta, order: base.nodes.slice(1).map((n) => n.id) }), undefined);
});

test('a partial report merges into the last full one: changed nodes replaced, edges kept', () => {
  const last: RenderReport = {
    version: 4,
    relayout: true,
    layoutMs: 9,
    renderMs: 3,
    zoom: 1,
    destroyOrder: false,
    nodes: [
      { id: 'a', number: 1, label: 'created 1st, a', problems: 0, x: 1, y: 2 },
      { id: 'b', number: 2, label: 'created 2nd, b', problems: 0, x: 3, y: 4 },
    ],
    edges: ['a->b'],
  };
  const partial: RenderReport = { ...last, version: 5, partial: true, relayout: false, layoutMs: 0, zoom: 2, nodes: [{ id: 'b', number: 2, label: 'created 2nd, b, 1 problem', problems: 1, x: 3, y: 4 }], edges: [] };
  const merged = mergeReport(last, partial);
  assert.equal(merged.version, 5);
  assert.equal(merged.partial, undefined);
  assert.equal(merged.zoom, 2);
  assert.deepEqual(merged.edges, ['a->b']);
  assert.deepEqual(
    merged.nodes.map((n) => [n.id, n.problems]),
    [
      ['a', 0],
      ['b', 1],
    ],
  );
});
