import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSubTree, changedRows, DEFAULT_TREE_OPTIONS, goneRows, parseFilter, type SubTree, type TreeInput, type TreeOptions } from '../../../src/core/explorer';
import type { Guest } from '../../../src/core/pve/types';
import { guest, snapshot, storage } from './fixtures';

const ROOT = 'c1';

/** 30 guests on three nodes, some tagged twice, with storage on one node. */
function guests(cpu: number): Guest[] {
  return Array.from({ length: 30 }, (_, i) =>
    guest(100 + i, { node: `pve${(i % 3) + 1}`, cpu, tags: i % 4 === 0 ? ['prod', 'web'] : i % 4 === 1 ? ['lab'] : [], status: i % 5 === 0 ? 'stopped' : 'running' }),
  );
}

function input(options: Partial<TreeOptions>, cpu = 0.1, listed?: (parentId: string) => boolean, filter = ''): TreeInput {
  const all = guests(cpu).map((g, i) => ({ ...g, pool: i % 3 === 0 ? 'apps' : undefined, template: i === 29 }));
  return {
    rootId: ROOT,
    // pve4 has no guests.
    snapshot: snapshot(all, ['pve1', 'pve2', 'pve3', 'pve4'], [storage('pve1', 'local')]),
    options: { ...DEFAULT_TREE_OPTIONS, ...options },
    filter: parseFilter(filter),
    listed,
  };
}

/** What VS Code would show of a tree: every row in order, with its look. */
function shown(t: SubTree): string[] {
  return [...t.rows].map(([id, r]) => `${id} < ${r.parentId ?? '-'} | ${r.label} | ${r.description ?? ''} | ${r.contextValue} | ${(t.children.get(id) ?? []).join(',')}`);
}

const guestRowsMade = (t: SubTree): string[] => [...t.madeRowIds()].filter((id) => t.rows.get(id)?.kind === 'guest');

for (const groupBy of ['node', 'tag'] as const) {
  const open = groupBy === 'node' ? `${ROOT}/node/pve2` : `${ROOT}/tag/prod`;

  test(`grouped by ${groupBy}: only guest rows below listed parents are made, and the tree reads the same`, () => {
    const eager = buildSubTree(input({ groupBy }));
    const lazy = buildSubTree(input({ groupBy }, 0.1, (p) => p === open));
    const made = guestRowsMade(lazy);
    assert.ok(made.length > 0 && made.every((id) => lazy.rows.get(id)!.parentId === open), `made: ${made.join(', ')}`);
    // Counting children makes none.
    for (const id of [ROOT, ...eager.rows.keys()]) assert.equal(lazy.childCount(id), eager.children.get(id)?.length ?? 0, id);
    assert.deepEqual(guestRowsMade(lazy), made);
    assert.deepEqual(lazy.children.get(open), eager.children.get(open));
    // Asking for any row, list or the whole tree makes the rest; a reader cannot tell the difference.
    assert.deepEqual(shown(lazy), shown(eager));
    assert.equal(lazy.rows.size, eager.rows.size);
    assert.deepEqual([...lazy.children.keys()].sort(), [...eager.children.keys()].sort());
  });

  test(`grouped by ${groupBy}: a guest row below a parent never listed is found by its id, with its parent's rows only`, () => {
    const eager = buildSubTree(input({ groupBy }));
    const lazy = buildSubTree(input({ groupBy }, 0.1, () => false));
    assert.deepEqual(guestRowsMade(lazy), []);
    const id = groupBy === 'node' ? `${ROOT}/guest/qemu/104` : `${ROOT}/tag/web/qemu/104`;
    const row = lazy.rows.get(id);
    assert.equal(row?.label, eager.rows.get(id)?.label);
    assert.equal(row?.parentId, eager.rows.get(id)?.parentId);
    assert.deepEqual(guestRowsMade(lazy).sort(), (eager.children.get(row!.parentId!) ?? []).filter((c) => c.includes('/qemu/')).sort());
    assert.equal(lazy.rows.get(`${ROOT}/guest/qemu/999`), undefined);
    assert.equal(lazy.rows.has(`${ROOT}/tag/nope/qemu/104`), false);
  });

  test(`grouped by ${groupBy}: the changes found between lazy trees are those between complete ones`, () => {
    const listed = (p: string): boolean => p === open;
    const expected = changedRows(buildSubTree(input({ groupBy }, 0.1)), buildSubTree(input({ groupBy }, 0.5)), ROOT, listed);
    const lazyPrev = buildSubTree(input({ groupBy }, 0.1, listed));
    const lazyNext = buildSubTree(input({ groupBy }, 0.5, listed));
    const found = changedRows(lazyPrev, lazyNext, ROOT, listed);
    assert.ok(found.length > 0);
    assert.deepEqual(found, expected);
    // Comparing made no rows below the parents VS Code never listed.
    assert.ok(guestRowsMade(lazyNext).every((id) => lazyNext.rows.get(id)!.parentId === open));
  });
}

test('rows gone after a refresh are found among those VS Code saw, without making the new tree\'s other rows', () => {
  const open = `${ROOT}/node/pve2`;
  const listed = (p: string): boolean => p === open;
  const prev = buildSubTree(input({}, 0.1, listed));
  // A command looked through every row of the old tree (pve1's and pve3's rows were made for it).
  assert.ok([...prev.rows.keys()].length > 30);
  const fewer = { ...input({}, 0.2, listed) };
  const kept = fewer.snapshot.guests.filter((g) => g.vmid !== 101 && g.vmid !== 100);
  const next = buildSubTree({ ...fewer, snapshot: { ...fewer.snapshot, guests: kept } });
  // qemu/101 was on pve2 (listed), qemu/100 on pve1 (never listed: VS Code has nothing of it).
  assert.deepEqual(goneRows(prev, next, listed), [`${ROOT}/guest/qemu/101`]);
  assert.ok(guestRowsMade(next).every((id) => next.rows.get(id)!.parentId === open), guestRowsMade(next).join(', '));
});

for (const groupBy of ['pool', 'type'] as const) {
  for (const filter of ['', 'running']) {
    test(`grouped by ${groupBy}${filter ? `, filtered by "${filter}"` : ''}: a lazy tree reads as the complete one`, () => {
      const eager = buildSubTree(input({ groupBy }, 0.1, undefined, filter));
      const open = eager.children.get(ROOT)![0];
      const lazy = buildSubTree(input({ groupBy }, 0.1, (p) => p === open, filter));
      assert.ok(guestRowsMade(lazy).every((id) => lazy.rows.get(id)!.parentId === open));
      assert.deepEqual(shown(lazy), shown(eager));
    });
  }
}

test('a node without guests has no children, lazy or not', () => {
  const lazy = buildSubTree(input({}, 0.1, () => false));
  assert.equal(lazy.children.has(`${ROOT}/node/pve4`), false);
  assert.equal(lazy.childCount(`${ROOT}/node/pve4`), 0);
  assert.equal(lazy.rows.get(`${ROOT}/node/pve4`)?.collapsible, 'none');
});
