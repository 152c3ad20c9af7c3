// One code-server + Chromium session: starts the server in its own process group with a private user-data
// folder (and XDG_* folders, so nothing lands in $HOME), opens the workbench in headless Chromium through
// playwright-core, and tears both down so that no process is left behind. Used by the integration-test
// runner, the demo and the activation benchmark.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { URLSearchParams } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** Settings for clean, predictable screens: no welcome page, chat panel, telemetry or update prompts. */
export const CLEAN_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
};

/**
 * Settings that make the opened folder untrusted (Restricted Mode) for a suite that exports
 * `workspaceTrust = true`: trust on, no start-up prompt to answer, files outside the workspace open without a
 * question, and the Restricted Mode banner shown so screenshots say what mode the window is in. The profile is
 * fresh per run, so no folder has been trusted before.
 */
export const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
  'security.workspace.trust.emptyWindow': false,
  'security.workspace.trust.banner': 'always',
};

/** Chromium flags that work on these machines (see REAL-VSCODE.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Environment that keeps a child's config, data and caches inside `tmpDir` instead of $HOME. */
export function isolatedEnv(tmpDir) {
  const xdg = {
    XDG_CONFIG_HOME: join(tmpDir, 'xdg', 'config'),
    XDG_DATA_HOME: join(tmpDir, 'xdg', 'data'),
    XDG_CACHE_HOME: join(tmpDir, 'xdg', 'cache'),
    XDG_STATE_HOME: join(tmpDir, 'xdg', 'state'),
  };
  for (const d of Object.values(xdg)) mkdirSync(d, { recursive: true });
  return xdg;
}

/** Process groups of servers not stopped yet; killed on exit so an interrupted run leaves nothing behind. */
const liveGroups = new Set();
process.on('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Makes Ctrl-C and SIGTERM end the process through process.exit, so the exit hook above ends the servers
 * (they run in their own process groups and do not get the terminal's SIGINT).
 */
export function exitOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping`);
      process.exit(130);
    });
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts code-server. `install` comes from ensureCodeServer(); `env` is added to the server's environment
 * (and so reaches the extension host); `settings` are merged over CLEAN_SETTINGS into User/settings.json.
 * `workspaceTrust: true` keeps Workspace Trust on (no --disable-workspace-trust; UNTRUSTED_SETTINGS under
 * `settings`), so the folder opens in Restricted Mode; by default trust is off and every folder is trusted.
 * Resolves to `{ port, origin, logFile, stop() }` once the server listens.
 */
export async function startCodeServer({ install, tmpDir, env = {}, settings = {}, port = 0, logFile = join(tmpDir, 'server.log'), extensionsDir, workspaceTrust = false }) {
  const userDataDir = join(tmpDir, 'user-data');
  const extDir = extensionsDir ?? join(tmpDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extDir, { recursive: true });
  const userSettings = { ...CLEAN_SETTINGS, ...(workspaceTrust ? UNTRUSTED_SETTINGS : {}), ...settings };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  const config = join(tmpDir, 'code-server.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    install.entry,
    '--config', config,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(install.serverArgs ?? []),
  ];
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(install.nodeBin, args, {
    cwd: tmpDir,
    // Its own process group, so stop() can end the server and every helper it forks (file watcher, ext host).
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...isolatedEnv(tmpDir), ...env },
  });
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);
  let exited = false;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));

  async function stop() {
    if (pgid === undefined) return;
    for (const [signal, waitMs] of [['SIGTERM', 3000], ['SIGKILL', 2000]]) {
      if (!groupAlive(pgid)) break;
      try {
        process.kill(-pgid, signal);
      } catch {
        break;
      }
      const until = Date.now() + waitMs;
      while (groupAlive(pgid) && Date.now() < until) await sleep(50);
    }
    if (!exited) await Promise.race([exitPromise, sleep(1000)]);
    await new Promise((r) => out.end(r));
    if (groupAlive(pgid)) throw new Error(`code-server process group ${pgid} is still running after SIGKILL.`);
    liveGroups.delete(pgid);
  }

  const listening = new Promise((resolve, reject) => {
    let seen = '';
    // Generous: starting code-server takes seconds on a loaded machine (CI, npm run test:load).
    const timer = setTimeout(() => reject(new Error(`code-server did not report a listening port within 120 s; see ${logFile}.`)), 120_000);
    timer.unref();
    const onData = (chunk) => {
      out.write(chunk);
      seen = (seen + chunk.toString()).slice(-4000);
      const m = /HTTP server listening on https?:\/\/[^:\s]+:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    void exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (code ${code}, signal ${signal}) before listening; see ${logFile}.`));
    });
  });
  try {
    const realPort = await listening;
    return { port: realPort, origin: `http://127.0.0.1:${realPort}`, logFile, stop, exited: exitPromise };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

/**
 * The workbench URL for `folder`, loading the extension at `extensionPath` in development mode and, if
 * given, running the tests module at `testsPath` (the @vscode/test-electron `run()` contract).
 */
export function workbenchUrl({ port, folder, extensionPath, testsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [];
  if (extensionPath) payload.push(['extensionDevelopmentPath', remote(extensionPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  const query = new URLSearchParams({ folder });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${query.toString()}`;
}

/**
 * Launches headless Chromium with a fresh profile in `tmpDir`. Returns `{ browser, context, page, close() }`.
 */
export async function launchBrowser({ chromium: executablePath, tmpDir, viewport = { width: 1280, height: 800 } }) {
  const { chromium } = await import('playwright-core');
  const profile = join(tmpDir, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    env: { ...process.env, ...isolatedEnv(tmpDir) },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
    },
  };
}

/** Selectors of workbench parts the runner and harness use (stable across 1.100 and 1.139). */
export const SELECTORS = {
  workbench: '.monaco-workbench',
  activityBarItem: (title) => `.activitybar .action-item a[aria-label^="${title}"]`,
  notificationToasts: '.notifications-toasts .notification-toast',
};

/** Waits until the workbench is drawn in `page`. */
export async function waitForWorkbench(page, timeoutMs = 120_000) {
  await page.waitForSelector(SELECTORS.workbench, { timeout: timeoutMs });
}
