import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isFromPage, isPageState, isToPage, MAX_SVG_CHARS } from '../../../src/core/webviews/graph/protocol';
import { readManifest } from '../../../src/core/graph/manifestSource';
import { manifestView } from '../../../src/core/graph/manifestView';

const state = { file: '/w/site-config/manifests/n2-push.yaml', zoom: 1, panX: 0, panY: 0, destroyOrder: false };
const report = { version: 1, relayout: true, layoutMs: 3, renderMs: 1, zoom: 1, destroyOrder: false, nodes: [{ id: 'a', number: 1, label: 'created 1st, a, VM', problems: 0, x: 0, y: 0 }], edges: ['a->b'] };

test('page → extension: every message type passes with the right shape', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'ready', state },
    { type: 'reveal', id: 'edge' },
    { type: 'run', action: 'destroy', id: 'edge' },
    { type: 'rendered', report },
    { type: 'svg', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
    { type: 'stateChanged', state },
    { type: 'log', level: 'warn', message: 'x' },
  ]) {
    assert.ok(isFromPage(m), JSON.stringify(m));
  }
});

test('page → extension: wrong shapes are rejected', () => {
  for (const m of [
    null,
    'reveal',
    [],
    {},
    { type: 'reveal' },
    { type: 'reveal', id: '' },
    { type: 'reveal', id: 'x'.repeat(600) },
    { type: 'run', action: 'rm', id: 'edge' },
    { type: 'run', action: 'apply' },
    { type: 'rendered', report: { ...report, nodes: [{ id: 'a' }] } },
    { type: 'rendered', report: { ...report, layoutMs: Number.NaN } },
    { type: 'svg', svg: '<script>alert(1)</script>' },
    { type: 'svg', svg: `<svg>${'x'.repeat(MAX_SVG_CHARS)}</svg>` },
    { type: 'ready', state: { ...state, zoom: 0 } },
    { type: 'ready', state: { ...state, file: 3 } },
    { type: 'log', level: 'trace', message: 'x' },
    { type: 'eval', code: '1' },
  ]) {
    assert.equal(isFromPage(m), false, JSON.stringify(m)?.slice(0, 120));
  }
});

test('extension → page: a real view passes; broken views and unknown types do not', () => {
  const source = readManifest('schema_version: 2\nname: t\nnodes:\n  - {name: r, type: pve, vmid: 1}\n  - {name: l, type: vm, parent: r}\n');
  assert.ok(!('message' in source));
  const view = manifestView('/m/t.yaml', source.graph, { spans: source.spans, guests: [], connection: 'lab' });
  assert.ok(isToPage({ type: 'graph', version: 3, view }));
  assert.ok(isToPage({ type: 'exportSvg' }));
  assert.ok(!isToPage({ type: 'graph', version: '3', view }));
  assert.ok(!isToPage({ type: 'graph', version: 3, view: { ...view, kind: 'other' } }));
  assert.ok(!isToPage({ type: 'graph', version: 3, view: { ...view, nodes: [{ ...view.nodes[0], state: 'exploded' }] } }));
  assert.ok(!isToPage({ type: 'graph', version: 3, view: { ...view, edges: [{ from: 'r' }] } }));
  assert.ok(!isToPage({ type: 'nope' }));
});

test('saved page state: only a complete, sane state restores a panel', () => {
  assert.ok(isPageState(state));
  assert.ok(!isPageState(undefined));
  assert.ok(!isPageState({ ...state, destroyOrder: 'yes' }));
  assert.ok(!isPageState({ ...state, panX: Infinity }));
  assert.ok(!isPageState({ ...state, file: 'x'.repeat(5000) }));
  const layout = { hash: 'abc:12', width: 300, height: 200, boxes: [['edge', 1, 2, 120, 52]] };
  assert.ok(isPageState({ ...state, layout }), 'a saved layout restores without ELK');
  assert.ok(!isPageState({ ...state, layout: { ...layout, boxes: [['edge', 1, 2, 120]] } }));
  assert.ok(!isPageState({ ...state, layout: { ...layout, boxes: [['edge', 1, 2, 120, 'x']] } }));
  assert.ok(!isPageState({ ...state, layout: { ...layout, hash: 'h'.repeat(100) } }));
});

test('graph deltas: a real delta passes; a delta of the wrong shape, or older than its base, does not', () => {
  const source = readManifest('schema_version: 2\nname: t\nnodes:\n  - {name: r, type: pve, vmid: 1}\n  - {name: l, type: vm, parent: r}\n');
  assert.ok(!('message' in source));
  const view = manifestView('/m/t.yaml', source.graph, { spans: source.spans });
  const delta = { header: { kind: 'manifest', title: 't', file: '/m/t.yaml' }, nodes: [view.nodes[1]], removed: ['gone'], order: ['r', 'l'], edges: view.edges };
  const ok = { type: 'graphDelta', version: 4, base: 3, delta };
  assert.ok(isToPage(ok));
  assert.ok(isToPage({ ...ok, delta: { header: delta.header, nodes: [], removed: [] } }), 'an empty delta (nothing changed) is fine');
  for (const bad of [
    { ...ok, base: 4 },
    { ...ok, base: '3' },
    { ...ok, version: undefined },
    { ...ok, delta: undefined },
    { ...ok, delta: { ...delta, header: { ...delta.header, kind: 'other' } } },
    { ...ok, delta: { ...delta, header: undefined } },
    { ...ok, delta: { ...delta, nodes: [{ ...view.nodes[1], line: 'x' }] } },
    { ...ok, delta: { ...delta, removed: [''] } },
    { ...ok, delta: { ...delta, removed: undefined } },
    { ...ok, delta: { ...delta, order: 'r,l' } },
    { ...ok, delta: { ...delta, order: ['x'.repeat(600)] } },
    { ...ok, delta: { ...delta, edges: [{ from: 'r' }] } },
  ]) {
    assert.equal(isToPage(bad), false, JSON.stringify(bad).slice(0, 160));
  }
});

test('resync and partial reports: the right shapes pass, wrong ones do not', () => {
  assert.ok(isFromPage({ type: 'resync', have: 3 }));
  assert.ok(isFromPage({ type: 'resync', have: -1 }), 'a page with no view yet');
  assert.ok(!isFromPage({ type: 'resync' }));
  assert.ok(!isFromPage({ type: 'resync', have: '3' }));
  assert.ok(isFromPage({ type: 'rendered', report: { ...report, partial: true, edges: [] } }));
  assert.ok(!isFromPage({ type: 'rendered', report: { ...report, partial: 'yes' } }));
});
