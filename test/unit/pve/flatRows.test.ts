import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { readFlatRows, type Scalar } from '../../../src/core/pve/flatRows';

/** Rows as readFlatRows reports them: each row's [key, value] pairs in order, and its text. */
function read(text: string): { rows: [string, Scalar][][]; texts: string[] } | undefined {
  const rows: [string, Scalar][][] = [];
  const texts: string[] = [];
  let current: [string, Scalar][] = [];
  const ok = readFlatRows(text, 0, text.length, {
    field: (k, v) => current.push([k, v]),
    row: (from, to) => {
      rows.push(current);
      texts.push(text.slice(from, to));
      current = [];
      return true;
    },
  });
  return ok ? { rows, texts } : undefined;
}

/** The same rows through JSON.parse (duplicate keys collapsed, last value kept), or undefined if it refuses. */
function parsed(text: string): Record<string, unknown>[] | undefined {
  try {
    return JSON.parse(`[${text}]`) as Record<string, unknown>[];
  } catch {
    return undefined;
  }
}

function sameAsJsonParse(text: string, why: string): void {
  const mine = read(text);
  const theirs = parsed(text);
  assert.ok(mine, `readFlatRows refused ${why}`);
  assert.ok(theirs, `JSON.parse refused ${why}`);
  assert.equal(mine.rows.length, theirs.length, why);
  mine.rows.forEach((pairs, i) => {
    assert.deepEqual(Object.fromEntries(pairs), theirs[i], `${why}: row ${i}`);
    assert.deepEqual(JSON.parse(mine.texts[i]), theirs[i], `${why}: row ${i}'s text`);
  });
}

const inner = (body: string): string => body.slice(body.indexOf('[') + 1, body.lastIndexOf(']'));

test('the real /cluster/resources samples (pretty-printed, random key order) read as JSON.parse reads them', () => {
  for (const name of ['cluster-resources.json', 'cluster-resources-type-vm-simplified.json']) {
    const body = readFileSync(join(__dirname, '../../../../shared/pve-api/samples', name), 'utf8');
    sameAsJsonParse(inner(body), name);
    sameAsJsonParse(inner(JSON.stringify(JSON.parse(body))), `${name}, compact`);
  }
});

test('every kind of scalar, escape and number form reads as JSON.parse reads it', () => {
  const values: unknown[] = ['', 'plain', 'quote " backslash \\ slash / tab \t newline \n', '\u0001\u001f', 'é ü 中文 😀', '\ud83d', '},{"type":"x"', 0, -0, 1, -1, 0.5, -0.25, 1e21, 1.5e-7, 123456789012345, 999999999999999, -999999999999999, 1234567890123456, Number.MAX_SAFE_INTEGER, true, false, null];
  const rows = values.map((v, i) => JSON.stringify({ vmid: i, type: 'qemu', v }));
  sameAsJsonParse(rows.join(','), 'scalars');
  // Number spellings JSON.stringify never writes but JSON allows.
  sameAsJsonParse('{"a":9007199254740993,"b":-9007199254740993,"c":12345678901234567890,"d":0.1,"e":-0}', 'long integers');
  sameAsJsonParse('{"a":1E3,"b":1e+3,"c":-0.0e-0,"d":0.000,"e":10.5E2}', 'number spellings');
  sameAsJsonParse('{"a":"\\u00e9\\ud83d\\ude00\\"\\\\\\/\\b\\f\\n\\r\\t"}', 'escapes');
  sameAsJsonParse(' \n\t{ "a" : 1 , "b" :\r\n"x" } ,\n{ } ', 'whitespace and an empty row');
  sameAsJsonParse('', 'no rows');
  sameAsJsonParse('{"a":1,"a":2,"b":"x","b":null}', 'a key twice');
});

test('decimals read without Number() are the doubles JSON.parse gives, to the last bit', () => {
  let seed = 987;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const digits = (n: number): string => Array.from({ length: n }, () => String(rand(10))).join('');
  const texts: string[] = [];
  for (let k = 0; k < 20_000; k++) {
    // Up to 12 digits; leading zeros after the point included.
    const intPart = rand(4) === 0 ? '0' : String(1 + rand(9)) + digits(rand(8));
    const fraction = digits(1 + rand(12 - Math.min(intPart.length, 10)));
    texts.push(`${rand(3) === 0 ? '-' : ''}${intPart}.${fraction}`);
  }
  // 16 to 20 digits: past what the fast path takes exactly (a quotient of two exact doubles), so Number() reads them.
  for (let k = 0; k < 5_000; k++) {
    const all = digits(16 + rand(5));
    const point = 1 + rand(all.length - 1);
    texts.push(`${String(1 + rand(9))}${all.slice(1, point)}.${all.slice(point)}`);
  }
  texts.push('0.1', '0.2', '0.3', '-0.0', '0.000000000000001', '123456789012.345', '1234567890123.45', '9007199254740.993', '0.05', '99.99', '4.4244882404466882');
  const rows = read(texts.map((t, i) => `{"vmid":${i},"cpu":${t}}`).join(','));
  assert.ok(rows);
  rows.rows.forEach((pairs, i) => {
    const mine = pairs[1][1];
    assert.ok(Object.is(mine, JSON.parse(texts[i])), `${texts[i]} read as ${String(mine)}, JSON.parse gives ${String(JSON.parse(texts[i]))}`);
  });
});

test('short strings that look alike (same length, same ends) are each read as they are', () => {
  // Recently read strings are taken again by a hash of their length and a few characters: strings that share
  // them must still come out as written, however they alternate.
  const values = ['running', 'rUnning', 'runnigg', 'stopped', 'a', 'b', 'ab', 'ba', 'aXb', 'aYb', 'pve1', 'pve2', 'pve01', 'pve10', 'x'.repeat(24), 'y'.repeat(25), 'prod;web', 'prod;wex', 'é', 'ü', 'lab'];
  let seed = 5;
  const rows: string[] = [];
  for (let k = 0; k < 5_000; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const v = values[seed % values.length];
    const w = values[(seed >>> 8) % values.length];
    rows.push(JSON.stringify({ [v]: w, status: v, node: w }));
  }
  sameAsJsonParse(rows.join(','), 'look-alike strings');
});

test('what is not a list of flat rows is refused, so the caller parses it with JSON.parse', () => {
  // Valid JSON, but not flat rows: nested values, entries that are not objects.
  for (const text of ['{"a":{"b":1}}', '{"a":[1]}', '{"a":1},[1]', '1', '"a"', 'null', '{"a":{}}']) {
    assert.ok(parsed(text), text);
    assert.equal(read(text), undefined, text);
  }
  // Not JSON at all: both refuse.
  for (const text of [
    '{"a":1},', ',{"a":1}', '{"a":1}{"b":2}', '{"a":1,}', '{"a"}', '{"a" 1}', '{a:1}', "{'a':1}", '{"a":01}', '{"a":-}', '{"a":1.}',
    '{"a":.5}', '{"a":+1}', '{"a":1e}', '{"a":NaN}', '{"a":Infinity}', '{"a":tru}', '{"a":nul}', '{"a":"x}', '{"a":"x\\"}', '{"a":"\\x"}', '{"a":1',
  ]) {
    assert.equal(parsed(text), undefined, `JSON.parse takes ${text}`);
    assert.equal(read(text), undefined, text);
  }
});

test('a range inside a longer text reads only that range', () => {
  const text = '{"a":1},{"b":"x"},{"c":2}';
  const seen: string[] = [];
  assert.ok(readFlatRows(text, 8, 17, { field: (k) => seen.push(k), row: () => true }));
  assert.deepEqual(seen, ['b']);
  // Cut inside a string or a number: refused, never read past the end.
  assert.equal(readFlatRows(text, 8, 14, { field: () => {}, row: () => true }), false);
  assert.equal(readFlatRows('{"a":12345}', 0, 8, { field: () => {}, row: () => true }), false);
});

test('fuzz: wherever readFlatRows takes a mutated answer, JSON.parse reads the same rows', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const base = inner(readFileSync(join(__dirname, '../../../../shared/pve-api/samples/cluster-resources.json'), 'utf8'));
  const compact = inner(JSON.stringify(JSON.parse(`{"data":[${base}]}`)));
  const alphabet = '{}[],:"\\ 0123456789.-+eE truefalsn\u00e9';
  let taken = 0;
  for (let round = 0; round < 3000; round++) {
    const src = round % 2 ? base : compact;
    const chars = [...src];
    for (let m = 1 + rand(3); m > 0; m--) {
      const at = rand(chars.length);
      const op = rand(3);
      if (op === 0) chars[at] = alphabet[rand(alphabet.length)];
      else if (op === 1) chars.splice(at, 1);
      else chars.splice(at, 0, alphabet[rand(alphabet.length)]);
    }
    const text = chars.join('');
    const mine = read(text);
    if (!mine) continue;
    taken++;
    const theirs = parsed(text);
    assert.ok(theirs, `readFlatRows took what JSON.parse refuses: ${JSON.stringify(text.slice(0, 200))}`);
    assert.deepEqual(mine.rows.map((p) => Object.fromEntries(p)), theirs);
  }
  assert.ok(taken > 100, `only ${taken} mutated answers were still valid`);
});

test('a long value read from a large answer does not keep the answer alive', () => {
  // V8 makes a slice of 13 characters or more a view into its whole text: a guest name kept that way would keep
  // a 6 MB answer in memory for as long as the guest is shown.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const kept: Scalar[] = [];
  const read = (): void => {
    const answer = `{"name":"kubernetes-worker-node-1","node":"pve-long-node-name-7","vmid":101}${' '.repeat(40_000_000)}`;
    assert.equal(readFlatRows(answer, 0, answer.length, { field: (_k, v) => kept.push(v), row: () => true }), true);
  };
  gc();
  const before = process.memoryUsage().heapUsed;
  read();
  gc();
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  assert.deepEqual(kept, ['kubernetes-worker-node-1', 'pve-long-node-name-7', 101]);
  assert.ok(retained < 5_000_000, `${(retained / 1e6).toFixed(1)} MB stayed in memory after reading a 40 MB answer`);
});
