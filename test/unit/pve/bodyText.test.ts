import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { BodyText } from '../../../src/core/pve/bodyText';
import { asciiResponse } from '../../../src/core/pve/http';

/** `bytes` as they might arrive: pieces of `size` bytes. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

function read(chunks: Buffer[], declared?: number): string {
  const body = new BodyText(declared);
  for (const c of chunks) body.add(c);
  return body.text();
}

test('a large ASCII answer becomes text outside the JavaScript heap, which collections never copy', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const row = '{"id":"qemu/100","type":"qemu","vmid":100,"name":"web-01","status":"running","cpu":0.25},';
  const bytes = Buffer.from(`{"data":[${row.repeat(100_000)}{}]}`);
  const chunks = pieces(bytes, 16 * 1024);
  gc();
  const before = process.memoryUsage().heapUsed;
  const text = read(chunks, bytes.length);
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(text, bytes.toString('utf8'));
  assert.ok(grown < 1_000_000, `the heap grew by ${(grown / 1e6).toFixed(1)} MB for a ${(bytes.length / 1e6).toFixed(1)} MB answer`);
});

test('text with other characters is UTF-8, also when the first ones come late and split between chunks', () => {
  const text = `{"data":[${'{"name":"plain"},'.repeat(5000)}{"name":"büro-服务器-😀"}]}`;
  const bytes = Buffer.from(text);
  for (const size of [1, 3, 7, 4096]) {
    assert.equal(read(pieces(bytes, size)), text, `pieces of ${size} bytes`);
    assert.equal(read(pieces(bytes, size), bytes.length), text, `pieces of ${size} bytes, length declared`);
  }
  assert.equal(read([Buffer.from('ü'), Buffer.from('abc')]), 'üabc');
  assert.equal(read([]), '');
});

test('a cleared body forgets what it received', () => {
  const body = new BodyText();
  body.add(Buffer.from('abc'));
  body.add(Buffer.from('ü'));
  body.clear();
  body.add(Buffer.from('xyz'));
  assert.equal(body.text(), 'xyz');
});

test('an ASCII answer reads the same whether its declared length is right, short of the bytes, or absent', () => {
  const bytes = Buffer.from(`{"data":[${'{"vmid":100,"name":"web"},'.repeat(20_000)}{}]}`);
  for (const declared of [undefined, bytes.length, 70_000, 0])
    for (const size of [16 * 1024, 100_000]) assert.equal(read(pieces(bytes, size), declared), bytes.toString('utf8'), `declared ${declared}, pieces of ${size}`);
  // A body that declared a length and sent nothing (a HEAD answer, or 204).
  assert.equal(read([], 100_000), '');
});

test('an ASCII answer is also given as its bytes, one that is not only as text; the response makes its text from the bytes when asked', () => {
  const ascii = Buffer.from(`{"data":[${'{"vmid":100,"name":"web"},'.repeat(10_000)}{}]}`);
  for (const declared of [undefined, ascii.length]) {
    const body = new BodyText(declared);
    for (const c of pieces(ascii, 16 * 1024)) body.add(c);
    const bytes = body.asciiBytes();
    assert.ok(bytes && bytes.equals(ascii), `declared ${declared}`);
    const res = asciiResponse(200, 'OK', {}, bytes);
    assert.equal(res.body, ascii.toString('utf8'));
    assert.equal(res.body, ascii.toString('utf8'));
  }
  const utf8 = new BodyText();
  for (const c of pieces(Buffer.from('{"name":"büro"}'), 3)) utf8.add(c);
  assert.equal(utf8.asciiBytes(), undefined);
  assert.equal(utf8.text(), '{"name":"büro"}');
});
