/**
 * Validation time grows linearly with the file: ten times the text may take about ten times as long, never
 * a hundred. Ratios of CPU time (best of three), not absolute times, so the tests hold on a loaded machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodePath from 'node:path';
import { parseSlow, parseYaml } from '../../../src/core/iac/yaml/parse';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { WORST_CASES } from '../../../bench/validate/worstCases';

const MANIFEST = nodePath.resolve(__dirname, '../../fixtures/examples/site-config/manifests/big.yaml');

async function bestCpuMs(run: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    await run();
    const d = process.cpuUsage(c0);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return Math.max(best, 1);
}

function generate(name: string, bytes: number): string {
  const c = WORST_CASES.find((w) => w.name === name);
  assert.ok(c, name);
  return c.generate(bytes);
}

test('a manifest with an unclosed [ validates in time linear in its size (400 KB vs 40 KB)', async () => {
  const service = createLanguageService(nodeFileSource());
  const small = generate('unclosed-bracket', 40_000);
  const large = generate('unclosed-bracket', 400_000);
  await service.validate(MANIFEST, small);
  const tSmall = await bestCpuMs(() => service.validate(MANIFEST, small));
  const tLarge = await bestCpuMs(() => service.validate(MANIFEST, large));
  const diags = await service.validate(MANIFEST, large);
  assert.equal(diags.length, 1);
  assert.match(diags[0].message, /YAML syntax error/);
  assert.ok(tLarge < 20 * tSmall, `400 KB took ${tLarge.toFixed(0)} ms of CPU, 40 KB ${tSmall.toFixed(0)} ms: ${(tLarge / tSmall).toFixed(1)}×`);
});

test('the error-tolerant parser finds duplicate keys in linear time (250 KB vs 25 KB mapping)', async () => {
  const small = generate('unclosed-bracket', 25_000);
  const large = generate('unclosed-bracket', 250_000);
  parseSlow(small);
  const tSmall = await bestCpuMs(() => parseSlow(small));
  const tLarge = await bestCpuMs(() => parseSlow(large));
  assert.equal(parseSlow(large).path, 'slow');
  assert.ok(tLarge < 20 * tSmall, `250 KB took ${tLarge.toFixed(0)} ms of CPU, 25 KB ${tSmall.toFixed(0)} ms: ${(tLarge / tSmall).toFixed(1)}×`);
});

test('duplicate keys are still reported where yaml reports them, in source order, at most 100 and a count', () => {
  const text = 'a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\n1: a\n"1": b\n';
  const tree = parseSlow(text);
  assert.deepEqual(
    tree.errors.map((e) => [e.start, e.end]),
    [
      [10, 11],
      [27, 28],
    ],
  );
  assert.match(tree.errors[0].message, /Map keys must be unique\. Remove or rename one of the duplicate keys\./);
  const many = parseSlow(`k: 0\n${'k: 1\n'.repeat(500)}`);
  assert.equal(many.errors.length, 101);
  assert.match(many.errors[100].message, /^400 more YAML errors follow from here/);
});

test('a large file with a syntax error, aliases or deep nesting gets one clear message, in linear time', () => {
  const broken = parseYaml(generate('unclosed-bracket-nodes', 600_000));
  assert.equal(broken.path, 'large');
  assert.equal(broken.errors.length, 1);
  assert.match(broken.errors[0].message, /^YAML syntax error: .*Fix the YAML here/);
  const aliases = parseYaml(generate('many-aliases', 600_000));
  assert.deepEqual(aliases.errors, []);
  assert.equal((aliases.docs[0].data as { name: string }).name, 'aliases');
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${`*${String.fromCharCode(96 + i)}, `.repeat(10)}x]`);
  const bomb = parseYaml(`${laughs.join('\n')}\n# ${'padding '.repeat(40_000)}\n`);
  assert.equal(bomb.errors.length, 1);
  assert.match(bomb.errors[0].message, /Aliases in this file expand to far more data/);
  const deep = parseYaml(generate('deep-nesting', 100_000));
  assert.equal(deep.errors.length, 1);
  assert.match(deep.errors[0].message, /nested too deeply/);
});
