import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KnownGuests } from '../../../src/core/pve/knownGuests';
import { clusterResourcesInSlices } from '../../../src/core/pve/sliced';
import { parseClusterResources } from '../../../src/core/pve/parse';
import { asciiResponse, type WireResponse } from '../../../src/core/pve/http';

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
  const out = await clusterResourcesInSlices(wire(body), 'GET /cluster/resources', { pause: () => Promise.resolve(void pauses++), sliceChars: 2048 });
  assert.deepEqual(out.data, expected(body));
  assert.equal(out.data.guests[7].name, entries[7].name);
  assert.ok(pauses > 10, `only ${pauses} pauses`);
});

test('whitespace, an empty array and other shapes are read as the plain envelope is', async () => {
  const spaced = `{ "data" : [ ${entries.map((e) => JSON.stringify(e)).join(' ,\n ')} ] }\n`;
  assert.deepEqual((await clusterResourcesInSlices(wire(spaced), 'GET x', { pause: async () => {}, sliceChars: 1024 })).data, expected(spaced));
  const withTotal = JSON.stringify({ data: entries, total: 500 });
  assert.deepEqual((await clusterResourcesInSlices(wire(withTotal), 'GET x', { pause: async () => {}, sliceChars: 1024 })).data, expected(withTotal));
  assert.deepEqual((await clusterResourcesInSlices(wire('{"data":[]}'), 'GET x', { pause: async () => {}, sliceChars: 1 })).data, { nodes: [], guests: [], storages: [], pools: [] });
  await assert.rejects(clusterResourcesInSlices(wire(`{"data":[${'{"a":1},'.repeat(400)}{"a":`), 'GET x', { pause: async () => {}, sliceChars: 256 }), /malformed JSON/);
  await assert.rejects(clusterResourcesInSlices(wire(`{"data":[${'{"type":"qemu","vmid":101},'.repeat(400)}{"type":"qemu","vmid":101},]}`), 'GET x', { pause: async () => {}, sliceChars: 256 }), /malformed JSON/);
});

test('an entry boundary look-alike inside a string or a nested value never splits an entry', async () => {
  for (const odd of [{ name: 'x"},{"id":"injected' }, { name: 'a},{b' }, { nested: [{ a: 1 }, { b: 2 }, { c: '},{' }] }]) {
    const list = entries.map((e, i) => (i % 5 === 0 ? { ...e, ...odd } : e));
    const body = JSON.stringify({ data: list });
    assert.deepEqual((await clusterResourcesInSlices(wire(body), 'GET /cluster/resources', { pause: async () => {}, sliceChars: 700 })).data, expected(body), JSON.stringify(odd));
  }
});

/** The answer as the HTTPS transport gives an ASCII one: its bytes, and a count of reads of its whole text. */
function wireBytes(body: string): { res: WireResponse; textReads: () => number } {
  // JSON may spell any character as \uXXXX: the same answer, in ASCII only.
  const ascii = body.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const res = asciiResponse(200, 'OK', { 'content-type': 'application/json' }, Buffer.from(ascii, 'latin1'));
  let reads = 0;
  return {
    res: Object.defineProperty({ ...res }, 'body', { get: () => (reads++, res.body) }),
    textReads: () => reads,
  };
}

test('an answer of ASCII bytes is read from them in parts, never made one string, and reads as its text does', async () => {
  const flatEntries = entries.map(({ nested: _, ...e }) => e);
  const spaced = `{ "data" : [ ${flatEntries.map((e) => JSON.stringify(e)).join(' ,\n\t')} ]\r\n}\n`;
  const lookAlikes = entries.map((e, i) => (i % 5 === 0 ? { ...e, name: 'x"},{"id":"injected', tags: 'a},{b' } : e));
  // [answer, read in parts from its bytes alone]: nested values and a cut inside a string need the whole text.
  const cases: [string, boolean][] = [
    [JSON.stringify({ data: flatEntries }), true],
    [spaced, true],
    [JSON.stringify({ data: entries }), false],
    [JSON.stringify({ data: lookAlikes }), false],
    ['{"data":[]}', true],
  ];
  for (const [text, inParts] of cases) {
    const { res, textReads } = wireBytes(text);
    let pauses = 0;
    const out = await clusterResourcesInSlices(res, 'GET x', { pause: () => Promise.resolve(void pauses++), sliceChars: 700 });
    assert.deepEqual(out.data, expected(text), text.slice(0, 80));
    if (!inParts) continue;
    assert.equal(textReads(), 0, 'the whole answer was made into one string');
    assert.ok(text.length < 700 || pauses > 20, `${pauses} pauses`);
  }
  // Malformed or another shape: the whole text, and the envelope's error or answer. A character between entries
  // that JSON does not count as whitespace is malformed on either path, wherever a slice ends.
  for (const odd of ['\u000b', '\u000c', '\u00a0']) {
    const text = `{"data":[${flatEntries.map((e) => JSON.stringify(e)).join(`${odd},`)}]}`;
    // Slices of one entry each: every such character falls where a slice would end.
    await assert.rejects(clusterResourcesInSlices(wire(text), 'GET x', { pause: async () => {}, sliceChars: 10 }), /malformed JSON/, `text, ${JSON.stringify(odd)}`);
    if (odd !== '\u00a0') await assert.rejects(clusterResourcesInSlices(wireBytes(text).res, 'GET x', { pause: async () => {}, sliceChars: 10 }), /malformed JSON/, `bytes, ${JSON.stringify(odd)}`);
  }
  const { res: broken } = wireBytes(`{"data":[${'{"a":1},'.repeat(400)}{"a":`);
  await assert.rejects(clusterResourcesInSlices(broken, 'GET x', { pause: async () => {}, sliceChars: 256 }), /malformed JSON/);
  const { res: withTotal } = wireBytes(JSON.stringify({ data: entries.slice(0, 50), total: 50 }));
  assert.equal((await clusterResourcesInSlices(withTotal, 'GET x', { pause: async () => {}, sliceChars: 256 })).data.guests.length, 50);
});

test('a row with a key twice keeps the last value, as JSON.parse does', async () => {
  const rows = Array.from({ length: 50 }, (_, i) => `{"type":"qemu","vmid":${i + 101},"qmpstatus":"paused","status":"running","qmpstatus":"running","name":"a","name":7}`);
  const body = `{"data":[${rows.join(',')}]}`;
  const out = await clusterResourcesInSlices(wire(body), 'GET x', { pause: async () => {}, sliceChars: 256 });
  assert.deepEqual(out.data, expected(body));
  assert.equal(out.data.guests[0].status, 'running');
  assert.equal(out.data.guests[0].name, '');
});

test("a connection's next answer reads the same with its last answer known: renamed, retyped, reordered, new and gone guests", async () => {
  // Flat rows only, so every slice goes through the text reader and KnownGuests.
  const flat = entries.map(({ nested: _, ...e }) => e);
  const known = new KnownGuests();
  const first = await clusterResourcesInSlices(wire(JSON.stringify({ data: flat })), 'GET x', { pause: async () => {}, sliceChars: 2048, known });
  assert.deepEqual(first.data, expected(JSON.stringify({ data: flat })));
  // The answer read is the one the next is compared with (`remember` ran).
  first.data.guests.forEach((g, i) => assert.equal(known.at(i, g.vmid), g));

  const changed = flat
    .filter((_, i) => i % 50 !== 0)
    .map((e, i) => (i % 9 === 0 ? { ...e, name: `renamed-${i}` } : i % 13 === 0 ? { ...e, type: e.type === 'lxc' ? 'qemu' : 'lxc' } : e))
    .reverse()
    .concat([{ ...flat[1], vmid: 9999, id: 'qemu/9999', name: 'new' }]);
  const second = JSON.stringify({ data: changed });
  const out = await clusterResourcesInSlices(wire(second), 'GET x', { pause: async () => {}, sliceChars: 2048, known });
  assert.deepEqual(out.data, expected(second));
  out.data.guests.forEach((g, i) => assert.equal(known.at(i, g.vmid), g));

  // A malformed answer fails and leaves the last one known.
  await assert.rejects(clusterResourcesInSlices(wire(second.slice(0, -40)), 'GET x', { pause: async () => {}, sliceChars: 2048, known }), /malformed JSON/);
  out.data.guests.forEach((g, i) => assert.equal(known.at(i, g.vmid), g));
});
