#!/usr/bin/env node
// The manifest graph in real VS Code (code-server + headless Chromium): a 500-node manifest opened in the
// graph panel. Writes bench/results/graph.json (one entry per VS Code version, kept across runs):
//   layout500Ms   the page's layout (d3-hierarchy tidy tree) of 500 nodes, median over fresh panels (target ≤ 300 ms)
//   edit500Ms     an edit that keeps the layout, from the view build (after the 150 ms debounce) to the
//                 page's answer arriving back in the extension host, median (target ≤ 50 ms)
//   editBuild500Ms / editPage500Ms  of which: building the view in the extension host / the page's update
//   editToPage500Ms / editInPage500Ms / editBack500Ms  wall clock: view posted → page got it → report sent → arrived
//   editWhole500Ms     the same edit sending the whole view each time (as before deltas), alternating in the same run
//   editRelayout500Ms  the same for an edit that adds a node (a new layout; no target)
//   editEmpty500Ms     an update without an edit (view build, an empty delta, a report back): the same path
//                      with no editor, diagnostics or lens work in the window meanwhile
//   node bench/graph/run.mjs [--rounds N] [--no-build]      PROXMOX_IAC_VSCODE=1.139.1 picks the version
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ensureChromium, ensureCodeServer, repoRoot } from '../../scripts/vscode/install.mjs';
import { runSuite } from '../../scripts/vscode/suite-runner.mjs';
import { exitOnSignals } from '../../scripts/vscode/session.mjs';
import { benchManifest } from './manifest.mjs';

exitOnSignals();
const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;
const vscodeVersion = process.env.PROXMOX_IAC_VSCODE && process.env.PROXMOX_IAC_VSCODE !== 'all' ? process.env.PROXMOX_IAC_VSCODE : '1.100.3';
const TARGETS = { layout500Ms: 300, edit500Ms: 50 };

if (!args.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const testsPath = join(repoRoot, 'out', 'bench', 'graph', 'index.js');
await esbuild.build({
  entryPoints: { index: join(repoRoot, 'bench/graph/suite/index.ts') },
  outdir: join(repoRoot, 'out', 'bench', 'graph'),
  bundle: true,
  sourcemap: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  absWorkingDir: repoRoot,
  external: ['vscode', 'mocha', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
});

const install = await ensureCodeServer(vscodeVersion);
const chromium = await ensureChromium();
const result = await runSuite({
  suite: 'graph-bench',
  install,
  chromium,
  testsPath,
  resultsRoot: join(repoRoot, 'test-results', 'bench'),
  onEvent: (m) => {
    if (m.type === 'test') console.log(`  ${m.state === 'passed' ? '✓' : '✗'} ${m.title ?? ''}${m.error ? ` — ${m.error}` : ''}`);
    if (m.type === 'metric') console.log(`  ${m.name} = ${m.value} ${m.unit}`);
  },
  config: {
    workspace: 'bench/graph/workspace',
    timeoutMs: 30 * 60_000,
    async setup({ workspaceDir }) {
      mkdirSync(join(workspaceDir, 'site-config', 'manifests'), { recursive: true });
      writeFileSync(join(workspaceDir, 'site-config', 'manifests', 'bench-500.yaml'), benchManifest(500));
      return {
        env: { PROXMOX_IAC_BENCH_ROUNDS: String(rounds), PROXMOX_IAC_TEST_TIMEOUT_MS: String(30 * 60_000) },
        settings: { 'proxmoxIac.connections': [] },
      };
    },
  },
});
if (result.failed > 0 || result.error) {
  // No figures from a failed run: bench/results/graph.json keeps the last good ones.
  console.error(`benchmark failed: ${result.error ?? `${result.failed} failed`}; see ${result.resultsDir}`);
  process.exit(1);
}
const m = result.metrics;
const figures = {
  layout500Ms: m.layout500Ms,
  render500Ms: m.render500Ms,
  edit500Ms: m.edit500Ms,
  editBuild500Ms: m.editBuild500Ms,
  editPage500Ms: m.editPage500Ms,
  editToPage500Ms: m.editToPage500Ms,
  editInPage500Ms: m.editInPage500Ms,
  editBack500Ms: m.editBack500Ms,
  editWhole500Ms: m.editWhole500Ms,
  editRelayout500Ms: m.editRelayout500Ms,
  editEmpty500Ms: m.editEmpty500Ms,
  rounds,
  target: TARGETS,
  met: m.layout500Ms <= TARGETS.layout500Ms && m.edit500Ms <= TARGETS.edit500Ms,
  loadAverage: (await import('node:os')).loadavg()[0],
};
const out = join(repoRoot, 'bench', 'results', 'graph.json');
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
const report = { benchmark: 'graph', ...figures, versions: { ...(previous.versions ?? {}), [vscodeVersion]: { date: new Date().toISOString(), ...figures } } };
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report.versions[vscodeVersion], null, 2));
