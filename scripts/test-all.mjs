#!/usr/bin/env node
// The README's test command (`npm test`): build, type-check, lint, unit tests, then the integration
// tests inside real VS Code. Prints one closing line "N passed, N failed" summing both tiers.
//
// Load mode: `PROXMOX_IAC_CPU_HOG=1 npm test` (or `npm run test:load`) runs the whole thing with one busy-loop
// process per core (os.availableParallelism(); PROXMOX_IAC_CPU_HOG_PROCESSES=N to choose) from the first step
// to the last, so that no core is idle — the conditions of a shared CI runner. Tests wait for state, not for
// time, and must pass here too. The loops stop when this script exits, however it exits (scripts/cpu-hog.mjs).
// The closing lines say how long the run took and whether the hog was on.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpuHogWanted, startCpuHog } from './cpu-hog.mjs';

const root = new URL('..', import.meta.url).pathname;
const started = Date.now();
const hog = cpuHogWanted() ? startCpuHog() : undefined;

function took() {
  return `npm test took ${((Date.now() - started) / 60_000).toFixed(1)} min${hog ? ' with the CPU hog on every core' : ''}`;
}

function run(title, cmd, args, { capture = false } = {}) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(cmd, args, {
    cwd: root,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    env: process.env,
  });
  if (capture) process.stdout.write(result.stdout ?? '');
  return { code: result.status ?? 1, stdout: result.stdout ?? '' };
}

function hasWebviewSources() {
  return readdirSync(new URL('../webview', import.meta.url), { recursive: true }).some((f) => String(f).endsWith('.ts'));
}

function fail(what) {
  console.log(`\n${what} failed`);
  console.log(took());
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Installs what the tests need on a fresh machine (Nix, OpenSSH server) or says what to install.
if (run('tools', 'node', ['scripts/ensure-tools.mjs']).code !== 0) fail('installing test tools');
if (run('build', 'node', ['scripts/build.mjs']).code !== 0) fail('build');
if (run('type-check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']).code !== 0) fail('type-check');
if (hasWebviewSources() && run('type-check webviews', 'npx', ['tsc', '--noEmit', '-p', 'webview/tsconfig.json']).code !== 0) fail('webview type-check');
if (run('lint', 'npx', ['eslint', '.']).code !== 0) fail('lint');

let passed = 0;
let failed = 0;

const unit = run('unit tests', 'node', ['scripts/test-unit.mjs'], { capture: true });
const pass = /^ℹ pass (\d+)/m.exec(unit.stdout);
const fails = /^ℹ fail (\d+)/m.exec(unit.stdout);
passed += pass ? Number(pass[1]) : 0;
failed += fails ? Number(fails[1]) : unit.code === 0 ? 0 : 1;

if (process.env.PROXMOX_IAC_SKIP_INTEGRATION !== '1') {
  const integ = run('integration tests (real VS Code)', 'node', ['scripts/test-integration.mjs'], { capture: true });
  const m = /^(\d+) passed, (\d+) failed/m.exec(integ.stdout.split('\n').reverse().join('\n'));
  passed += m ? Number(m[1]) : 0;
  failed += m ? Number(m[2]) : integ.code === 0 ? 0 : 1;
  if (!m && integ.code !== 0) console.log('integration runner failed before reporting a count');
}

console.log(`\n${took()}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
