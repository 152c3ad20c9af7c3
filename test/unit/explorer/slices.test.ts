import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSubTree, buildSubTreeSliced, changedRows, changedRowsSliced, DEFAULT_TREE_OPTIONS, nextTurn, rootIdOf, runAtOnce, runSliced } from '../../../src/core/explorer';
import { parseClusterResources } from '../../../src/core/pve/parse';
import { clusterResourcesInSlices } from '../../../src/core/pve/sliced';
import type { WireResponse } from '../../../src/core/pve/http';
import { ChangeEvents, type ExplorerStats } from '../../../src/vscode/explorer/changeEvents';
import { guest, snapshot } from './fixtures';

const ROOT = rootIdOf('lab');

function cluster(guests: number, nodes: number, cpu: number) {
  return snapshot(
    Array.from({ length: guests }, (_, i) => guest(100 + i, { node: `pve${i % nodes}`, cpu })),
    Array.from({ length: nodes }, (_, i) => `pve${i}`),
  );
}

test('runSliced pauses once a slice has used its budget, and returns what runAtOnce returns', async () => {
  function* steps(): Generator<void, number> {
    let sum = 0;
    for (let i = 0; i < 50; i++) {
      sum += i;
      yield;
    }
    return sum;
  }
  let pauses = 0;
  const pause = (): Promise<void> => {
    pauses++;
    return Promise.resolve();
  };
  assert.equal(await runSliced(steps(), Infinity, pause), runAtOnce(steps()));
  assert.equal(pauses, 1, 'one turn first, then no pause within the budget');
  assert.equal(await runSliced(steps(), 0, pause), 1225);
  assert.equal(pauses, 1 + 1 + 50, 'a pause after every step once the budget is used up');
});

test('the sliced build and diff give the same rows and changes as the plain ones', async () => {
  const before = cluster(3000, 4, 0.1);
  const after = cluster(3000, 4, 0.3);
  const input = { rootId: ROOT, options: DEFAULT_TREE_OPTIONS };
  let pauses = 0;
  const pause = (): Promise<void> => {
    pauses++;
    return Promise.resolve();
  };
  const a = await buildSubTreeSliced({ ...input, snapshot: before }, 0, pause);
  const b = buildSubTree({ ...input, snapshot: after });
  assert.ok(pauses > 3, 'the build paused');
  assert.deepEqual([...a.rows.keys()], [...buildSubTree({ ...input, snapshot: before }).rows.keys()]);
  assert.deepEqual(await changedRowsSliced(a, b, ROOT, undefined, 0, pause), changedRows(a, b, ROOT));
});

test('changedRows compares only below parents VS Code has listed', () => {
  const input = { rootId: ROOT, options: DEFAULT_TREE_OPTIONS };
  const a = buildSubTree({ ...input, snapshot: cluster(40, 4, 0.1) });
  const b = buildSubTree({ ...input, snapshot: cluster(40, 4, 0.3) });
  assert.equal(changedRows(a, b, ROOT).length, 40);
  const listed = new Set([`${ROOT}/node/pve1`]);
  const changed = changedRows(a, b, ROOT, (p) => listed.has(p));
  assert.equal(changed.length, 10);
  assert.ok(changed.every((id) => b.rows.get(id)?.parentId === `${ROOT}/node/pve1`));
  // A guest leaving an unlisted node changes that node's row (its count), which the root lists.
  const fewer = buildSubTree({ ...input, snapshot: snapshot(cluster(40, 4, 0.1).guests.filter((g) => g.vmid !== 100), ['pve0', 'pve1', 'pve2', 'pve3']) });
  assert.deepEqual(changedRows(a, fewer, ROOT, (p) => listed.has(p)), [`${ROOT}/node/pve0`]);
});

test('clusterResourcesInSlices reads the same snapshot as parseClusterResources, slice by slice or at once', async () => {
  const data = [
    { type: 'node', node: 'pve1', status: 'online', id: 'node/pve1' },
    ...Array.from({ length: 25 }, (_, i) => ({ type: i % 2 ? 'lxc' : 'qemu', vmid: 100 + i, node: 'pve1', status: 'running', name: `g${i}` })),
    null,
    'not a row',
    { type: 'storage', storage: 'local', node: 'pve1', id: 'storage/pve1/local', status: 'available' },
    { type: 'pool', pool: 'prod', id: 'pool/prod' },
  ];
  const expected = parseClusterResources(data.filter((r) => r !== null && typeof r === 'object'));
  const wire = (body: string): WireResponse => ({ status: 200, statusText: 'OK', headers: {}, body });
  let pauses = 0;
  const body = JSON.stringify({ data });
  // Slices of ~200 characters: several slices of the answer, each read into the model before the next.
  const sliced = await clusterResourcesInSlices(wire(body), 'GET /cluster/resources', { pause: () => Promise.resolve(void pauses++), sliceChars: 200 });
  assert.deepEqual(sliced.data, expected);
  assert.ok(pauses >= 5, `a turn between slices (${pauses})`);
  // With whitespace between entries (not what PVE sends, but valid JSON).
  pauses = 0;
  const spaced = `{"data": [ ${data.map((r) => JSON.stringify(r)).join(' , ')} ] }`;
  const whole = await clusterResourcesInSlices(wire(spaced), 'GET /cluster/resources', { pause: () => Promise.resolve(void pauses++), sliceChars: 200, sliceRows: 10 });
  assert.deepEqual(whole.data, expected);
  assert.ok(pauses >= 5, `whitespace between entries is sliced too (${pauses})`);
  // A cut that does not parse (a row boundary look-alike inside a name) falls back without counting a row twice.
  const odd = JSON.stringify({ data: data.map((r, i) => (i === 5 ? { ...(r as object), name: 'x},{y' } : r)) });
  const fell = await clusterResourcesInSlices(wire(odd), 'GET /cluster/resources', { pause: async () => {}, sliceChars: 100 });
  assert.equal(fell.data.guests.length, 25);
  assert.equal(fell.data.guests[4].name, 'x},{y');
  // An answer parsed at once (another shape) is still read in slices of rows.
  pauses = 0;
  const withTotal = JSON.stringify({ data, total: data.length });
  const once = await clusterResourcesInSlices(wire(withTotal), 'GET /cluster/resources', { pause: () => Promise.resolve(void pauses++), sliceChars: 200, sliceRows: 10 });
  assert.deepEqual(once.data, expected);
  assert.equal(pauses, 1 + 2, 'a turn before the rows and before each further slice of 10 rows (29 rows)');
});

test('change events: one event for a refresh round, at once outside a round', async () => {
  const stats: ExplorerStats = { refreshes: 0, changeEvents: 0, events: 0, lastChanged: [], lastFired: [] };
  const sent: unknown[] = [];
  const events = new ChangeEvents((els) => sent.push(els), stats, 50);
  const a = { id: 'a' };
  const b = { id: 'b' };
  events.fire([a]);
  assert.deepEqual(sent, [a]);
  events.hold();
  events.fire([a]);
  events.fire([b, a]);
  assert.equal(sent.length, 1, 'held during the round');
  events.release();
  assert.deepEqual(sent[1], [a, b]);
  // A round that does not end (a connection that never answers) lets the others through after the hold time.
  events.hold();
  events.fire([b]);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(sent[2], b);
  events.release();
  assert.equal(sent.length, 3);
  assert.equal(stats.events, 3);
  events.dispose();
});

test('nextTurn: slices of several refreshes pausing together go on one per turn of the event loop', async () => {
  const order: string[] = [];
  const waits = ['a', 'b', 'c'].map((name) =>
    nextTurn().then(() => {
      order.push(name);
      // Work the first slice leaves for the event loop runs before the third slice, not after all three.
      if (name === 'a') setImmediate(() => order.push('turn'));
    }),
  );
  await Promise.all(waits);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order.filter((x) => x !== 'turn'), ['a', 'b', 'c']);
  assert.ok(order.indexOf('turn') < order.indexOf('c'), `order: ${order.join(' ')}`);
});
