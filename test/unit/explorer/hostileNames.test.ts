/**
 * Names a hostile or broken server may send become parts of row ids. VS Code refuses two rows with one id, and a
 * row id that reads as another kind of row would send a click to the wrong command: every row id stays unique and
 * reads back as the kind it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSubTree, DEFAULT_TREE_OPTIONS, parseRowId, rootIdOf } from '../../../src/core/explorer';
import { parseClusterResources } from '../../../src/core/pve/parse';

const ROOT = rootIdOf('lab');

function allRows(snapshotRows: unknown[], groupBy: 'node' | 'pool' = 'node') {
  const tree = buildSubTree({ rootId: ROOT, snapshot: parseClusterResources(snapshotRows), options: { ...DEFAULT_TREE_OPTIONS, groupBy } });
  const ids: string[] = [];
  const walk = (parent: string): void => {
    for (const id of tree.children.get(parent) ?? []) {
      ids.push(id);
      walk(id);
    }
  };
  walk(ROOT);
  return { ids, kinds: ids.map((id) => [id, parseRowId(id)?.kind, tree.rows.get(id)?.kind]) };
}

test('nodes and storages whose names contain "/" or a row suffix keep unique ids of their own kind', () => {
  const { ids, kinds } = allRows([
    { type: 'node', node: 'a/b', status: 'online' },
    { type: 'node', node: 'a', status: 'online' },
    { type: 'node', node: 'x/+more', status: 'online' },
    { type: 'node', node: 'a/storage', status: 'online' },
    { type: 'storage', storage: 'c', node: 'a/b', status: 'available' },
    { type: 'storage', storage: 'b/c', node: 'a', status: 'available' },
    { type: 'qemu', vmid: 100, node: 'x/+more', name: 'web' },
  ]);
  assert.equal(new Set(ids).size, ids.length, JSON.stringify(ids));
  // No id made from a name reads as a "Show more", error, backups or snapshot row.
  for (const [id, parsed] of kinds) assert.equal(parsed, 'row', String(id));
  assert.equal(kinds.filter(([, , kind]) => kind === 'node').length, 4);
  assert.equal(kinds.filter(([, , kind]) => kind === 'storage').length, 2);
});

test("a pool named like another pool's guest row is a group of its own", () => {
  const { ids } = allRows(
    [
      { type: 'node', node: 'pve1', status: 'online' },
      { type: 'qemu', vmid: 100, node: 'pve1', pool: 'a' },
      { type: 'qemu', vmid: 101, node: 'pve1', pool: 'a/qemu/100' },
    ],
    'pool',
  );
  assert.equal(new Set(ids).size, ids.length, JSON.stringify(ids));
});
