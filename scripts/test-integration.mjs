#!/usr/bin/env node
// Integration tests inside real VS Code (npm run test:integration).
//
// How it runs: builds (scripts/build.mjs), installs and caches code-server for each VS Code version under
// .vscode-test/ (scripts/vscode/install.mjs), then runs each suite in its own fresh code-server + headless
// Chromium session with the extension loaded in development mode through the workbench URL
// (extensionDevelopmentPath + extensionTestsPath). Per-test results are printed as they arrive; the last
// line is exactly `N passed, N failed`, summed over suites and versions. Exits non-zero on any failure, on a
// suite that could not start (counted as one failure) and on a suite timeout.
//
// Environment:
//   PROXMOX_IAC_VSCODE=1.100.3|1.139.1|all    VS Code versions (default all)
//   PROXMOX_IAC_SUITES=activation,explorer    suites to run (default all); `vsix` names the .vsix install check
//   PROXMOX_IAC_TEST_GREP=pattern             only tests whose full title matches (mocha grep)
//   PROXMOX_IAC_SUITE_TIMEOUT_MS=300000       per-suite hang guard (a suite.mjs may export timeoutMs)
//   PROXMOX_IAC_SKIP_BUILD=1                  do not build first
//   PROXMOX_IAC_KEEP_TMP=1                    keep each run's temp folder (workspace copy, profiles)
//   PROXMOX_IAC_TEST_RUNNER=electron          run the suites with @vscode/test-electron instead
//   PROXMOX_IAC_CHROMIUM=/path/to/chromium    Chromium to use (default /usr/bin/chromium, apt-installed if root)
//   PROXMOX_IAC_CPU_HOG=1                     every core busy for the whole run (scripts/cpu-hog.mjs)
//
// Suite contract: a suite is a folder test/integration/<suite>/ with
//   index.ts    exports `run(): Promise<void>` — normally `export { run } from '../harness'` plus imports of
//               its *.test.ts files (mocha BDD; see test/integration/harness.ts for screenshots and DOM queries);
//   suite.mjs   (optional) exports
//     workspace    copied to a temp dir per run: a spec from scripts/vscode/workspace.mjs (test/fixtures/examples
//                  less some folders, plus test/fixtures/overlays/<name>) or a repo-relative folder (default: the
//                  spec named like the suite, else test/fixtures/<suite>);
//     setup({ repoRoot, tmpDir, workspaceDir })  async, returns { env?, settings?, teardown? }:
//                  env is added to code-server's environment (and so the extension host's), settings are
//                  merged into the run's User settings.json, teardown() runs after the session ends;
//     timeoutMs    per-suite timeout;
//     workspaceTrust  `true` opens the workspace UNTRUSTED (Restricted Mode): code-server starts without
//                  --disable-workspace-trust, with Workspace Trust on, no start-up prompt and no trusted
//                  folders (UNTRUSTED_SETTINGS in scripts/vscode/session.mjs). Default false: trust is off and
//                  every workspace counts as trusted. See test/integration/untrusted/.
// Results: test-results/<version>/<suite>/ holds server.log, console.log (page console), result.json, the
// screenshots tests asked for, and failure.png when the suite failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium, ensureCodeServer, repoRoot, selectedVersions } from './vscode/install.mjs';
import { runSuite } from './vscode/suite-runner.mjs';
import { exitOnSignals } from './vscode/session.mjs';
import { checkVsixInstall } from './vscode/vsix-check.mjs';
import { cpuHogWanted, startCpuHog } from './cpu-hog.mjs';

const started = Date.now();
let passed = 0;
let failed = 0;

function finish() {
  console.log(`\nintegration tests took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

function discoverSuites() {
  const dir = join(repoRoot, 'test', 'integration');
  const all = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
  const wanted = process.env.PROXMOX_IAC_SUITES?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted) return { suites: all, vsix: true };
  const unknown = wanted.filter((s) => s !== 'vsix' && !all.includes(s));
  if (unknown.length) {
    console.error(`PROXMOX_IAC_SUITES names unknown suites: ${unknown.join(', ')}; known: ${all.join(', ')}, vsix.`);
    process.exit(1);
  }
  return { suites: all.filter((s) => wanted.includes(s)), vsix: wanted.includes('vsix') };
}

function printEvent(message) {
  if (message.type === 'test') {
    if (message.state === 'passed') {
      console.log(`    ✓ ${message.title} (${Math.round(message.durationMs ?? 0)} ms)`);
    } else {
      console.log(`    ✗ ${message.title}`);
      console.log(String(message.error ?? '').split('\n').slice(0, 8).map((l) => `        ${l}`).join('\n'));
    }
  } else if (message.type === 'metric') {
    console.log(`      ${message.name} = ${message.value} ${message.unit ?? ''}`);
  }
}

function build() {
  if (process.env.PROXMOX_IAC_SKIP_BUILD === '1') return true;
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  return result.status === 0;
}

/**
 * The same suites under @vscode/test-electron, for machines that can download VS Code (Microsoft's update
 * server is unreachable here, so this path cannot be tested on this machine). Each suite counts as one
 * test: passed when its run() resolved. DOM requests from the harness fail under this runner.
 */
async function runElectron(suites, versions) {
  const { runTests } = await import('@vscode/test-electron');
  const { loadSuiteConfig } = await import('./vscode/suite-runner.mjs');
  const { buildWorkspace } = await import('./vscode/workspace.mjs');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { CLEAN_SETTINGS, UNTRUSTED_SETTINGS } = await import('./vscode/session.mjs');
  for (const version of versions) {
    for (const suite of suites) {
      const tmpDir = mkdtempSync(join(tmpdir(), `proxmox-iac-${suite}-`));
      let teardown;
      try {
        const config = await loadSuiteConfig(suite);
        const workspaceDir = join(tmpDir, 'workspace');
        buildWorkspace(repoRoot, config.workspace, workspaceDir);
        const setup = (await config.setup?.({ repoRoot, tmpDir, workspaceDir })) ?? {};
        teardown = setup.teardown;
        const userDataDir = join(tmpDir, 'user-data');
        mkdirSync(join(userDataDir, 'User'), { recursive: true });
        writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...CLEAN_SETTINGS, ...(config.workspaceTrust ? UNTRUSTED_SETTINGS : {}), ...setup.settings }, null, 2));
        console.log(`\n${suite} (VS Code ${version}, test-electron)`);
        const code = await runTests({
          version,
          extensionDevelopmentPath: repoRoot,
          extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', suite, 'index.js'),
          extensionTestsEnv: setup.env ?? {},
          launchArgs: [workspaceDir, '--disable-extensions', ...(config.workspaceTrust ? [] : ['--disable-workspace-trust']), `--user-data-dir=${userDataDir}`],
        });
        if (code === 0) passed++;
        else failed++;
      } catch (err) {
        console.log(`    ✗ ${suite}: ${err?.message ?? err}`);
        failed++;
      } finally {
        await Promise.resolve(teardown?.()).catch(() => {});
        rmSync(tmpDir, { recursive: true, force: true });
      }
    }
  }
}

async function main() {
  exitOnSignals();
  if (cpuHogWanted()) startCpuHog();
  const versions = selectedVersions();
  const { suites, vsix } = discoverSuites();
  if (!build()) {
    console.log('build failed');
    failed++;
    return;
  }
  if (process.env.PROXMOX_IAC_TEST_RUNNER === 'electron') {
    await runElectron(suites, versions);
    return;
  }
  let chromium;
  try {
    chromium = await ensureChromium();
  } catch (err) {
    console.log(`\n✗ ${err.message}`);
    failed += suites.length * versions.length || 1;
    return;
  }
  for (const version of versions) {
    let install;
    try {
      install = await ensureCodeServer(version);
    } catch (err) {
      console.log(`\n✗ code-server for VS Code ${version} could not be installed: ${err.message}`);
      failed += suites.length + (vsix ? 1 : 0);
      continue;
    }
    for (const suite of suites) {
      const t0 = Date.now();
      console.log(`\n${suite} (VS Code ${version})`);
      const result = await runSuite({ suite, install, chromium, onEvent: printEvent });
      if (result.error) {
        console.log(`    ✗ ${suite}: ${result.error.split('\n').slice(0, 6).join('\n      ')}`);
      }
      if (result.failed > 0) console.log(`    logs and failure.png: ${result.resultsDir}`);
      console.log(`    (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      passed += result.passed;
      failed += result.failed;
    }
    if (vsix) {
      const title = `the packaged .vsix installs into code-server (VS Code ${version})`;
      try {
        await checkVsixInstall(install);
        console.log(`\nvsix\n    ✓ ${title}`);
        passed++;
      } catch (err) {
        console.log(`\nvsix\n    ✗ ${title}\n        ${err.message}`);
        failed++;
      }
    }
  }
}

try {
  await main();
} catch (err) {
  console.log(`\nintegration runner failed: ${err?.stack ?? err}`);
  failed++;
}
finish();
