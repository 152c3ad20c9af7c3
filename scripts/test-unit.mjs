#!/usr/bin/env node
// Runs every test/unit/**/*.test.ts with node's test runner (TypeScript through tsx).
// Extra arguments are passed on, e.g. `node scripts/test-unit.mjs --test-name-pattern=simulator`.
// PROXMOX_IAC_CPU_HOG=1 (or --cpu-hog) runs them with every core busy (scripts/cpu-hog.mjs).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpuHogWanted, startCpuHog } from './cpu-hog.mjs';

const root = new URL('..', import.meta.url).pathname;
const files = readdirSync(`${root}test/unit`, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => `test/unit/${f}`);
const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--') && a !== '--cpu-hog');
if (cpuHogWanted()) startCpuHog();
const selected = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
// node --test with no files would run every test-looking file under the checkout, scripts included.
if (selected.length === 0) {
  console.error(`no unit test file's path contains ${filter.map((x) => JSON.stringify(x)).join(' or ')} (one word per argument)`);
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  // A test that hangs fails by name after 3 minutes instead of holding up the whole run.
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=180000', ...flags, ...selected],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
