import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { cpuMs } from '../../support/cpu-time';

const EXAMPLES = nodePath.resolve(__dirname, '../../fixtures/examples');

/** mulberry32: a small seeded PRNG, so a failure reproduces with the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [':', '- ', '  ', '\n', '{', '}', '[', ']', '"', "'", '#', '&a', '*a', '!!str ', '---\n', '? ', '|', '>', '\t', ',', 'null', '~', '1e9', '-1', 'true', 'parent: x', 'vmid: 1', 'nodes:', '\u0000', '\uFEFF', '<<: *a', '%YAML 1.2\n'];

function mutate(text: string, rnd: () => number): string {
  let t = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(rnd() * (t.length + 1));
    const op = rnd();
    if (op < 0.35) t = t.slice(0, pos) + TOKENS[Math.floor(rnd() * TOKENS.length)] + t.slice(pos);
    else if (op < 0.6) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rnd() * 20));
    else if (op < 0.75) {
      const a = Math.floor(rnd() * t.length);
      t = t.slice(0, pos) + t.slice(a, a + Math.floor(rnd() * 40)) + t.slice(pos);
    } else if (op < 0.9) {
      const lines = t.split('\n');
      const l = Math.floor(rnd() * lines.length);
      lines[l] = ' '.repeat(Math.floor(rnd() * 6)) + lines[l].trimStart();
      t = lines.join('\n');
    } else t = t.slice(0, pos) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + t.slice(pos);
  }
  return t;
}

async function files(dir: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = nodePath.join(dir, e.name);
    if (e.isDirectory()) await files(full, out);
    else if (/\.ya?ml$|\.example$/.test(e.name) && !full.includes('.taskfiles')) out.push(full);
  }
  return out;
}

test('thousands of mutated example files: no exception, no hang, every diagnostic well-formed', async (t) => {
  const service = createLanguageService(nodeFileSource());
  // The big talos sample is cut to its first 8 KB so the run stays within a few seconds.
  const sources = await Promise.all((await files(EXAMPLES)).map(async (f) => ({ path: f, text: (await readFile(f, 'utf8')).slice(0, 8000) })));
  const seed = Number(process.env.FUZZ_SEED ?? 20261122);
  const rnd = prng(seed);
  // A fixed count keeps the run reproducible; the deadline only guards against a hang. Budgets are CPU time,
  // which other processes on a busy machine do not inflate (test/support/cpu-time.ts).
  const deadline = cpuMs() + 25_000;
  let runs = 0;
  let slowest = 0;
  while (runs < 2000 && cpuMs() < deadline) {
    const src = sources[runs % sources.length];
    const text = mutate(src.text, rnd);
    const t0 = cpuMs();
    let diags;
    try {
      diags = await service.validate(src.path, text);
      await service.hover(src.path, text, { line: Math.floor(rnd() * 20), character: Math.floor(rnd() * 20) });
      await service.completions(src.path, text, { line: Math.floor(rnd() * 20), character: Math.floor(rnd() * 30) });
      service.lensTargets(src.path, text);
    } catch (err) {
      assert.fail(`seed ${seed}, run ${runs}, ${src.path}: threw ${String(err)}\n---\n${text}`);
    }
    slowest = Math.max(slowest, cpuMs() - t0);
    for (const d of diags) {
      assert.ok(d.range.start.line >= 0 && d.range.end.line >= d.range.start.line, `bad range in run ${runs}`);
      assert.notEqual(d.code, 'internal', `seed ${seed}, run ${runs}: ${d.message}\n---\n${text}`);
    }
    runs++;
  }
  t.diagnostic(`${runs} mutations, slowest ${slowest.toFixed(1)} ms CPU, seed ${seed}`);
  assert.equal(runs, 2000, `only ${runs} mutations within 25 s of CPU time: something is far too slow`);
  assert.ok(slowest < 1000, `one mutation took ${slowest.toFixed(0)} ms of CPU time`);
});

test('huge and deeply nested files give one clear message', async () => {
  const service = createLanguageService(nodeFileSource());
  const file = nodePath.join(EXAMPLES, 'site-config/manifests/huge.yaml');
  const huge = 'schema_version: 2\nname: x\nnodes:\n' + '  - name: a\n    type: vm\n'.repeat(500_000);
  const t0 = cpuMs();
  const d1 = await service.validate(file, huge);
  assert.equal(d1.length, 1);
  assert.equal(d1[0].code, 'too-large');
  assert.ok(cpuMs() - t0 < 500);
  const deep = 'a:\n' + Array.from({ length: 3000 }, (_, i) => `${' '.repeat(2 * (i + 1))}b${i}:`).join('\n');
  const d2 = await service.validate(file, deep);
  assert.ok(d2.length >= 1);
  assert.ok(d2.every((d) => d.code !== 'internal'), d2.map((d) => d.message).join('\n'));
  // "Billion laughs": nested aliases must not blow up the checks.
  const laughs = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 12; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  const t1 = cpuMs();
  const d4 = await service.validate(file, laughs.join('\n'));
  assert.ok(cpuMs() - t1 < 2000);
  assert.ok(d4.length >= 1 && d4.every((d) => d.code !== 'internal'), d4.map((d) => d.message).join('\n'));
  const flowDeep = '['.repeat(20000) + ']'.repeat(20000);
  const d3 = await service.validate(file, flowDeep);
  assert.ok(d3.length >= 1);
  assert.ok(d3.every((d) => d.code !== 'internal'), d3.map((d) => d.message).join('\n'));
});
