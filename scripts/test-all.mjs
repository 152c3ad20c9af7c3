#!/usr/bin/env node
// The README's test command (`npm test`): build, type-check, lint, unit tests, then the integration
// tests inside real VS Code. Prints one closing line "N passed, N failed" summing both tiers.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;

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

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
