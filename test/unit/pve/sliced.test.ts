import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envelopeInSlices } from '../../../src/core/pve/sliced';
import type { WireResponse } from '../../../src/core/pve/http';

const wire = (body: string): WireResponse => ({ status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body });

const entries = Array.from({ length: 500 }, (_, i) => ({
  id: `qemu/${100 + i}`,
  // Strings holding every character the scan must not take for structure.
  name: i % 7 === 0 ? `odd "name", with ] and } and \\ and [{` : `vm-${i}`,
  tags: i % 3 ? 'a;b' : '',
  cpu: i / 1000,
  nested: i % 11 === 0 ? { list: [1, [2, { x: ']' }]] } : undefined,
}));

test('a large data array parsed in slices equals JSON.parse, with turns of the event loop between slices', async () => {
  const body = JSON.stringify({ data: entries });
  let pauses = 0;
  const out = await envelopeInSlices(wire(body), 'GET /cluster/resources', () => Promise.resolve(void pauses++), 2048);
  assert.deepEqual(out, JSON.parse(body));
  assert.ok(pauses > 10, `only ${pauses} pauses`);
});

test('whitespace, an empty array and unexpected shapes fall back to the plain envelope', async () => {
  const spaced = `{ "data" : [ ${entries.map((e) => JSON.stringify(e)).join(' ,\n ')} ] }\n`;
  assert.deepEqual(await envelopeInSlices(wire(spaced), 'GET x', async () => {}, 1024), JSON.parse(spaced));
  const withTotal = JSON.stringify({ data: entries, total: 500 });
  assert.deepEqual(await envelopeInSlices(wire(withTotal), 'GET x', async () => {}, 1024), { data: entries.map((e) => JSON.parse(JSON.stringify(e)) as unknown), total: 500 });
  assert.deepEqual(await envelopeInSlices(wire('{"data":[]}'), 'GET x', async () => {}, 1), { data: [] });
  await assert.rejects(envelopeInSlices(wire(`{"data":[${'{"a":1},'.repeat(400)}{"a":`), 'GET x', async () => {}, 256), /malformed JSON/);
});

test('an entry boundary look-alike inside a string or a nested value never splits an entry', async () => {
  for (const odd of [{ name: 'x"},{"id":"injected' }, { name: 'a},{b' }, { nested: [{ a: 1 }, { b: 2 }, { c: '},{' }] }]) {
    const list = entries.map((e, i) => (i % 5 === 0 ? { ...e, ...odd } : e));
    const body = JSON.stringify({ data: list });
    assert.deepEqual(await envelopeInSlices(wire(body), 'GET /cluster/resources', async () => {}, 700), JSON.parse(body), JSON.stringify(odd));
  }
});
