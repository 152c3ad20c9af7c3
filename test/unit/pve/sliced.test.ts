import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KnownGuests } from '../../../src/core/pve/guestRow';
import { clusterResourcesInSlices } from '../../../src/core/pve/sliced';
import { parseClusterResources } from '../../../src/core/pve/parse';
import type { WireResponse } from '../../../src/core/pve/http';

const wire = (body: string): WireResponse => ({ status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body });
const expected = (body: string) => parseClusterResources((JSON.parse(body) as { data: unknown[] }).data.filter((r) => r !== null && typeof r === 'object'));

const entries = Array.from({ length: 500 }, (_, i) => ({
  id: `qemu/${100 + i}`,
  type: i % 4 === 3 ? 'lxc' : 'qemu',
  vmid: 100 + i,
  // Strings holding every character the scan must not take for structure.
  name: i % 7 === 0 ? `odd "name", with ] and } and \\ and [{ and \u00e9\u{1F600}` : `vm-${i}`,
  tags: i % 3 ? 'a;b' : '',
  cpu: i / 1000,
  mem: i * 1e9,
  nested: i % 11 === 0 ? { list: [1, [2, { x: ']' }]] } : undefined,
}));

test('a large answer read in slices equals the one-piece reading, with turns of the event loop between slices', async () => {
  const body = JSON.stringify({ data: entries });
  let pauses = 0;
  const out = await clusterResourcesInSlices(wire(body), 'GET /cluster/resources', () => Promise.resolve(void pauses++), 2048);
  assert.deepEqual(out.data, expected(body));
  assert.equal(out.data.guests[7].name, entries[7].name);
  assert.ok(pauses > 10, `only ${pauses} pauses`);
});

test('whitespace, an empty array and other shapes are read as the plain envelope is', async () => {
  const spaced = `{ "data" : [ ${entries.map((e) => JSON.stringify(e)).join(' ,\n ')} ] }\n`;
  assert.deepEqual((await clusterResourcesInSlices(wire(spaced), 'GET x', async () => {}, 1024)).data, expected(spaced));
  const withTotal = JSON.stringify({ data: entries, total: 500 });
  assert.deepEqual((await clusterResourcesInSlices(wire(withTotal), 'GET x', async () => {}, 1024)).data, expected(withTotal));
  assert.deepEqual((await clusterResourcesInSlices(wire('{"data":[]}'), 'GET x', async () => {}, 1)).data, { nodes: [], guests: [], storages: [], pools: [] });
  await assert.rejects(clusterResourcesInSlices(wire(`{"data":[${'{"a":1},'.repeat(400)}{"a":`), 'GET x', async () => {}, 256), /malformed JSON/);
  await assert.rejects(clusterResourcesInSlices(wire(`{"data":[${'{"type":"qemu","vmid":1},'.repeat(400)}{"type":"qemu","vmid":1},]}`), 'GET x', async () => {}, 256), /malformed JSON/);
});

test('an entry boundary look-alike inside a string or a nested value never splits an entry', async () => {
  for (const odd of [{ name: 'x"},{"id":"injected' }, { name: 'a},{b' }, { nested: [{ a: 1 }, { b: 2 }, { c: '},{' }] }]) {
    const list = entries.map((e, i) => (i % 5 === 0 ? { ...e, ...odd } : e));
    const body = JSON.stringify({ data: list });
    assert.deepEqual((await clusterResourcesInSlices(wire(body), 'GET /cluster/resources', async () => {}, 700)).data, expected(body), JSON.stringify(odd));
  }
});

test('a row with a key twice keeps the last value, as JSON.parse does', async () => {
  const rows = Array.from({ length: 50 }, (_, i) => `{"type":"qemu","vmid":${i + 1},"qmpstatus":"paused","status":"running","qmpstatus":"running","name":"a","name":7}`);
  const body = `{"data":[${rows.join(',')}]}`;
  const out = await clusterResourcesInSlices(wire(body), 'GET x', async () => {}, 256);
  assert.deepEqual(out.data, expected(body));
  assert.equal(out.data.guests[0].status, 'running');
  assert.equal(out.data.guests[0].name, '');
});

test("a connection's next answer is read the same with its last answer known: renamed, retyped, reordered, new and gone guests", async () => {
  const known = new KnownGuests();
  const first = JSON.stringify({ data: entries });
  await clusterResourcesInSlices(wire(first), 'GET x', async () => {}, 2048, 2000, known);
  const changed = entries
    .filter((_, i) => i % 50 !== 0)
    .map((e, i) => (i % 9 === 0 ? { ...e, name: `renamed-${i}` } : i % 13 === 0 ? { ...e, type: e.type === 'lxc' ? 'qemu' : 'lxc' } : e))
    .reverse()
    .concat([{ ...entries[1], vmid: 9999, id: 'qemu/9999', name: 'new' }]);
  const second = JSON.stringify({ data: changed });
  const out = await clusterResourcesInSlices(wire(second), 'GET x', async () => {}, 2048, 2000, known);
  assert.deepEqual(out.data, expected(second));
  // The answer parsed at once (a nested value in every slice) reads the same with the same memory.
  const third = await clusterResourcesInSlices(wire(second), 'GET x', async () => {}, 100, 10, known);
  assert.deepEqual(third.data, expected(second));
});
