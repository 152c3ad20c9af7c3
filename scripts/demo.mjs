#!/usr/bin/env node
// npm run demo: builds, starts code-server (VS Code 1.100.3, installed and cached on first use) with the
// extension loaded from this checkout and the demo workspace (test/fixtures/examples + test/fixtures/overlays/demo,
// built into a temp folder by scripts/vscode/workspace.mjs), prints the URL to open, and runs until Ctrl-C.
//
//   npm run demo                              serve on http://127.0.0.1:8080 (or a free port if taken)
//   npm run demo -- --port 9000               choose the port
//   npm run demo -- --screenshot demo.png     open it in headless Chromium, show the Proxmox container,
//                                             save a screenshot and exit
//   npm run demo -- --vscode 1.139.1          use the newer VS Code
//   npm run demo -- --screenshot x.png --open site-config/manifests/n1-push.yaml
//                                             also open that workspace file (Quick Open) before the picture
//
// Extension point: if scripts/demo-setup.mjs exists, its `setup({ repoRoot, tmpDir, workspaceDir })` runs
// before the server starts (same contract as an integration suite's suite.mjs) and may return
// `{ env?, settings?, teardown? }`: env for code-server (and the extension host), settings merged into the
// demo's User settings.json, teardown() called on exit, and `readySelector`: a CSS selector the screenshot
// waits for (e.g. the explorer's tree rows) before it is taken. It is how the simulated cluster joins the demo.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureChromium, ensureCodeServer, repoRoot } from './vscode/install.mjs';
import { launchBrowser, startCodeServer, waitForWorkbench, workbenchUrl } from './vscode/session.mjs';
import { buildWorkspace, workspaces } from './vscode/workspace.mjs';

function parseArgs(argv) {
  const opts = { port: 8080, portGiven: false, screenshot: undefined, open: undefined, vscode: '1.100.3', build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--port') {
      opts.port = Number(value());
      opts.portGiven = true;
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('--port takes a number 0-65535');
    } else if (a === '--screenshot') opts.screenshot = resolve(value());
    else if (a === '--vscode') opts.vscode = value();
    else if (a === '--open') opts.open = value();
    else if (a === '--no-build') opts.build = false;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  return opts;
}

function usage(error) {
  if (error) console.error(`demo: ${error}`);
  console.error('usage: npm run demo -- [--port N] [--screenshot FILE [--open WORKSPACE_FILE]] [--vscode 1.100.3|1.139.1] [--no-build]');
  process.exit(error ? 2 : 0);
}

/** True when 127.0.0.1:port can be bound now. */
function portFree(port) {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort(true)));
  });
}

const opts = parseArgs(process.argv.slice(2));
if (opts.build) {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('demo: the build failed (see above); fix it and run `npm run demo` again.');
    process.exit(1);
  }
}

const tmpDir = mkdtempSync(join(tmpdir(), 'proxmox-iac-demo-'));
let server;
let browser;
let teardown;
let cleaning;

async function cleanup() {
  cleaning ??= (async () => {
    await browser?.close();
    await server?.stop().catch((err) => console.error(`demo: ${err.message}`));
    await Promise.resolve(teardown?.()).catch((err) => console.error(`demo: teardown failed: ${err?.message ?? err}`));
    rmSync(tmpDir, { recursive: true, force: true });
  })();
  return cleaning;
}

async function main() {
  const install = await ensureCodeServer(opts.vscode);
  const resultsDir = join(repoRoot, 'test-results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'demo-server.log'), '');
  const workspaceDir = join(tmpDir, 'workspace');
  buildWorkspace(repoRoot, workspaces.demo, workspaceDir);

  const setupFile = join(repoRoot, 'scripts', 'demo-setup.mjs');
  let setup = {};
  if (existsSync(setupFile)) {
    const mod = await import(pathToFileURL(setupFile).href);
    setup = (await mod.setup?.({ repoRoot, tmpDir, workspaceDir })) ?? {};
    teardown = setup.teardown;
  }

  let port = opts.screenshot && !opts.portGiven ? 0 : opts.port;
  if (port !== 0 && !(await portFree(port))) {
    if (opts.portGiven) throw new Error(`port ${port} is in use; choose another with --port N (or --port 0 for any free port).`);
    console.log(`port ${port} is in use; using a free port instead`);
    port = 0;
  }
  server = await startCodeServer({
    install,
    tmpDir,
    port,
    env: setup.env ?? {},
    settings: setup.settings ?? {},
    // Outside the temp folder, so it survives the cleanup when something went wrong.
    logFile: join(resultsDir, 'demo-server.log'),
  });
  const url = workbenchUrl({ port: server.port, folder: workspaceDir, extensionPath: repoRoot });

  if (opts.screenshot) {
    const chromium = await ensureChromium();
    browser = await launchBrowser({ chromium, tmpDir });
    const { page } = browser;
    await page.goto(url, { timeout: 120_000 }); // a loaded machine can take over 30 s
    await waitForWorkbench(page);
    // The demo opens on the Proxmox container (demo-setup.mjs asks for it, with the walkthrough); otherwise open
    // it the way a user would, with its activity-bar entry (a click on the entry of an open container closes it).
    const proxmoxTitle = page.locator('.part.sidebar .composite.title h2', { hasText: /proxmox/i }).first();
    if (!(await proxmoxTitle.waitFor({ timeout: 30_000 }).then(() => true, () => false))) {
      const entry = page.locator('.part.activitybar .action-item .action-label[aria-label^="Proxmox"]');
      await entry.waitFor({ timeout: 30_000 });
      await entry.click();
      await proxmoxTitle.waitFor({ timeout: 15_000 });
    }
    if (setup.readySelector) await page.locator(setup.readySelector).first().waitFor({ timeout: 30_000 });
    if (opts.open) {
      if (!existsSync(join(workspaceDir, opts.open))) throw new Error(`--open ${opts.open}: no such file in the demo workspace (test/fixtures/examples + test/fixtures/overlays/demo).`);
      // Quick Open, as a user would; the editor tab shows when the file is open.
      await page.locator('.monaco-workbench').click({ position: { x: 800, y: 400 } });
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
      await page.keyboard.type(opts.open);
      await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      const base = opts.open.split('/').pop();
      await page.locator('.tabs-container .tab', { hasText: base }).first().waitFor({ timeout: 15_000 });
    }
    // Move the pointer off the icon so its hover doesn't cover the view, and let the view render its content (welcome text or tree rows) before taking the picture.
    await page.mouse.move(700, 700);
    await page.waitForTimeout(2000);
    await page.screenshot({ path: opts.screenshot });
    console.log(`saved ${opts.screenshot}`);
    return;
  }

  console.log(`\nProxmox IaC demo (VS Code ${install.vscodeVersion} in code-server) is running.`);
  console.log(`Open this URL in a browser (from another machine, forward the same port first: ssh -L ${server.port}:127.0.0.1:${server.port} host):\n`);
  console.log(`  ${url}\n`);
  console.log(`It opens on the Proxmox view and the Get Started walkthrough. Server log: ${server.logFile}`);
  console.log('Press Ctrl-C to stop.');
  await new Promise((resolveWait) => {
    process.once('SIGINT', resolveWait);
    process.once('SIGTERM', resolveWait);
    void server.exited.then(({ code }) => {
      if (cleaning) return;
      console.error(`demo: code-server exited (code ${code}); see ${server.logFile}`);
      process.exitCode = 1;
      resolveWait();
    });
  });
  console.log('\nstopping…');
  await cleanup();
}

try {
  await main();
} catch (err) {
  console.error(`demo: ${err?.message ?? err}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
