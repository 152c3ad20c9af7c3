#!/usr/bin/env node
// npm run bench: runs every bench/<name>/run.mjs in turn (each writes bench/results/<name>.json).
//   node scripts/bench.mjs [name…]     only the named benchmarks
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');
const all = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'run.mjs')))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? wanted : all;
const failures = [];
for (const name of selected) {
  console.log(`\n=== bench ${name}`);
  const result = spawnSync(process.execPath, [join(benchDir, name, 'run.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failures.push(name);
}
console.log(`\n${selected.length - failures.length} benchmark(s) ran, ${failures.length} failed${failures.length ? `: ${failures.join(', ')}` : ''}`);
process.exit(failures.length ? 1 : 0);
