import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildSubTree,
  changedRows,
  DEFAULT_TREE_OPTIONS,
  errorRowId,
  guestRowIdOf,
  moreRowId,
  pageOf,
  parseRowId,
  planChangeEvents,
  rootIdOf,
  snapshotRowId,
} from '../../../src/core/explorer';
import { guest, snapshot } from './fixtures';

const ROOT = rootIdOf('lab/1');

function cluster(guests: number, nodes: number, cpu: number) {
  return snapshot(
    Array.from({ length: guests }, (_, i) => guest(100 + i, { node: `pve${i % nodes}`, cpu })),
    Array.from({ length: nodes }, (_, i) => `pve${i}`),
  );
}

test('row ids: one codec makes and reads every kind', () => {
  assert.equal(ROOT, 'conn:lab%2F1');
  assert.deepEqual(parseRowId(ROOT), { kind: 'connection', connectionId: 'lab/1', rootId: ROOT });
  assert.equal(parseRowId(errorRowId(ROOT))?.kind, 'error');
  const g = `${ROOT}/guest/qemu/100`;
  assert.deepEqual(parseRowId(snapshotRowId(g, 'before-upgrade')), { kind: 'snapshot', connectionId: 'lab/1', rootId: ROOT, guestRowId: g, name: 'before-upgrade' });
  assert.deepEqual(parseRowId(moreRowId(`${ROOT}/node/pve1`)), { kind: 'more', connectionId: 'lab/1', rootId: ROOT, parentId: `${ROOT}/node/pve1` });
  assert.equal(parseRowId(g)?.kind, 'row');
  assert.equal(guestRowIdOf(snapshotRowId(g, 'x')), g);
  assert.equal(parseRowId('something-else'), undefined);
});

test('every guest changed: one event per node that VS Code has listed, not one per row', () => {
  const before = buildSubTree({ rootId: ROOT, snapshot: cluster(5000, 8, 0.1), options: DEFAULT_TREE_OPTIONS });
  const after = buildSubTree({ rootId: ROOT, snapshot: cluster(5000, 8, 0.2), options: DEFAULT_TREE_OPTIONS });
  const changed = changedRows(before, after, ROOT);
  assert.equal(changed.length, 5000);
  const parentOf = (id: string) => (id === ROOT ? undefined : (after.rows.get(id)?.parentId ?? ROOT));
  // VS Code listed the root and two nodes' guests.
  const listed = new Set([ROOT, `${ROOT}/node/pve0`, `${ROOT}/node/pve3`]);
  const fired = planChangeEvents(changed, ROOT, parentOf, (p) => listed.has(p));
  assert.deepEqual(fired.sort(), [`${ROOT}/node/pve0`, `${ROOT}/node/pve3`]);
});

test('a few changed rows are named themselves; many parents become the root', () => {
  const parentOf = (id: string) => (id === ROOT ? undefined : id.startsWith(`${ROOT}/n`) ? ROOT : `${ROOT}/n${id.slice(-1)}`);
  assert.deepEqual(planChangeEvents([`${ROOT}/g1`, `${ROOT}/g2`], ROOT, parentOf, () => true), [`${ROOT}/g1`, `${ROOT}/g2`]);
  assert.deepEqual(planChangeEvents([], ROOT, parentOf, () => true), []);
  assert.deepEqual(planChangeEvents([ROOT, `${ROOT}/g1`], ROOT, parentOf, () => true), [ROOT]);
  const many = Array.from({ length: 100 }, (_, i) => `${ROOT}/g${i}`);
  const spread = (id: string) => (id === ROOT ? undefined : `${ROOT}/n${id}`);
  assert.deepEqual(planChangeEvents(many, ROOT, spread, () => true, { perParent: 16, total: 64 }), [ROOT]);
});

test('large trees start collapsed; small ones open', () => {
  const small = buildSubTree({ rootId: ROOT, snapshot: cluster(40, 2, 0), options: DEFAULT_TREE_OPTIONS });
  assert.equal(small.rows.get(`${ROOT}/node/pve0`)?.collapsible, 'expanded');
  const large = buildSubTree({ rootId: ROOT, snapshot: cluster(2000, 2, 0), options: { ...DEFAULT_TREE_OPTIONS, expandUpTo: 1000 } });
  assert.equal(large.rows.get(`${ROOT}/node/pve0`)?.collapsible, 'collapsed');
});

test('pageOf: the first page and how many are left', () => {
  assert.deepEqual(pageOf([1, 2, 3], 5), { items: [1, 2, 3], remaining: 0 });
  assert.deepEqual(pageOf([1, 2, 3, 4, 5, 6], 4), { items: [1, 2, 3, 4], remaining: 2 });
});
