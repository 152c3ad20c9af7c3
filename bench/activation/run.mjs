#!/usr/bin/env node
// Activation benchmark: the extension's own activation time inside real VS Code (code-server), measured as
// the ExtensionApi's activationMs over several fresh sessions (median), and the size of each bundle in
// dist/. Writes bench/results/activation.json and prints it.
//   node bench/activation/run.mjs [--runs N] [--no-build]     (PROXMOX_IAC_VSCODE picks the version; default 1.100.3)
// Targets (issue 2): activation ≤ 10 ms of our own code; dist/extension.js ≤ 400 KB.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureChromium, ensureCodeServer, repoRoot } from '../../scripts/vscode/install.mjs';
import { runSuite } from '../../scripts/vscode/suite-runner.mjs';
import { exitOnSignals } from '../../scripts/vscode/session.mjs';

exitOnSignals();

const TARGET_ACTIVATION_MS = 10;
const TARGET_EXTENSION_BYTES = 400 * 1024;

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
const vscodeVersion = process.env.PROXMOX_IAC_VSCODE && process.env.PROXMOX_IAC_VSCODE !== 'all' ? process.env.PROXMOX_IAC_VSCODE : '1.100.3';

if (!args.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Every bundle in dist/ (source maps left out: they are not loaded at run time). */
function bundleSizes() {
  const dist = join(repoRoot, 'dist');
  const sizes = {};
  for (const f of readdirSync(dist, { recursive: true }).map(String).sort()) {
    const abs = join(dist, f);
    if (f.endsWith('.map') || !statSync(abs).isFile()) continue;
    sizes[relative(repoRoot, abs)] = statSync(abs).size;
  }
  return sizes;
}

const install = await ensureCodeServer(vscodeVersion);
const chromium = await ensureChromium();
const samples = [];
// Only the test that reads the API's activationMs; each run is a fresh session, so a fresh activation.
process.env.PROXMOX_IAC_TEST_GREP = 'reports how long its own activation took';
for (let i = 0; i < runs; i++) {
  const result = await runSuite({ suite: 'activation', install, chromium, resultsRoot: join(repoRoot, 'test-results', 'bench') });
  const ms = result.metrics.activationMs;
  if (typeof ms !== 'number') {
    console.error(`run ${i + 1}: no activationMs reported (${result.error ?? 'test failed'}); see ${result.resultsDir}`);
    process.exit(1);
  }
  console.log(`run ${i + 1}/${runs}: activation ${ms} ms`);
  samples.push(ms);
}

const bundles = bundleSizes();
const activationMs = median(samples);
const extensionBytes = bundles['dist/extension.js'] ?? 0;
const report = {
  benchmark: 'activation',
  date: new Date().toISOString(),
  vscodeVersion,
  runs,
  activationMs: { median: activationMs, samples, target: TARGET_ACTIVATION_MS, met: activationMs <= TARGET_ACTIVATION_MS },
  bundleBytes: bundles,
  extensionBundle: { bytes: extensionBytes, target: TARGET_EXTENSION_BYTES, met: extensionBytes > 0 && extensionBytes <= TARGET_EXTENSION_BYTES },
};
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
const out = join(repoRoot, 'bench', 'results', 'activation.json');
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
console.log(`activation ${activationMs} ms (target ≤ ${TARGET_ACTIVATION_MS} ms): ${report.activationMs.met ? 'met' : 'NOT met'}`);
console.log(`dist/extension.js ${(extensionBytes / 1024).toFixed(1)} KB (target ≤ ${TARGET_EXTENSION_BYTES / 1024} KB): ${report.extensionBundle.met ? 'met' : 'NOT met'}`);
console.log(`wrote ${relative(repoRoot, out)}`);
