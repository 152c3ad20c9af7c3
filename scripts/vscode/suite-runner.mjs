// Runs one integration suite in a fresh code-server + Chromium session and serves the harness's requests
// (see test/integration/harness.ts for the channel). Used by scripts/test-integration.mjs and the
// activation benchmark. The suite contract is documented at the top of scripts/test-integration.mjs.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './install.mjs';
import { launchBrowser, startCodeServer, workbenchUrl } from './session.mjs';
import { buildWorkspace, workspaces } from './workspace.mjs';

const MARKER = /@@proxmox-iac-test:([A-Za-z0-9+/=]+)@@/g;
// A hang guard for a suite that never finishes (each test is bounded by mocha's own timeout), so it is sized for
// a loaded machine: there the workbench alone can take a minute to load.
export const DEFAULT_SUITE_TIMEOUT_MS = Number(process.env.PROXMOX_IAC_SUITE_TIMEOUT_MS ?? 300_000);

/** Loads `test/integration/<suite>/suite.mjs` if present; returns `{ workspace, setup?, timeoutMs, workspaceTrust }`. */
export async function loadSuiteConfig(suite) {
  const file = join(repoRoot, 'test', 'integration', suite, 'suite.mjs');
  const mod = existsSync(file) ? await import(pathToFileURL(file).href) : {};
  return {
    workspace: mod.workspace ?? workspaces[suite] ?? `test/fixtures/${suite}`,
    setup: mod.setup,
    timeoutMs: mod.timeoutMs ?? DEFAULT_SUITE_TIMEOUT_MS,
    workspaceTrust: mod.workspaceTrust === true,
  };
}

function safeName(name) {
  return String(name).replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'screenshot';
}

/**
 * Runs `suite` against the code-server `install` with Chromium at `chromium`.
 * `onEvent(message)` sees every harness message (tests, metrics) as it arrives.
 * A benchmark can bring its own tests module and suite config (`testsPath`, `config`, see loadSuiteConfig)
 * and page actions the harness may ask for by name: `actions[name](page, request)` → result.
 * Resolves to `{ passed, failed, tests: [...], metrics: {...}, error? }`; never throws for a suite failure.
 */
export async function runSuite({ suite, install, chromium, onEvent = () => {}, resultsRoot = join(repoRoot, 'test-results'), testsPath: testsOverride, config: configOverride, actions = {} }) {
  const resultsDir = join(resultsRoot, install.vscodeVersion, suite);
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const consoleLog = join(resultsDir, 'console.log');
  writeFileSync(consoleLog, '');
  const tmpDir = mkdtempSync(join(tmpdir(), `proxmox-iac-${suite}-`));
  const result = { suite, vscodeVersion: install.vscodeVersion, passed: 0, failed: 0, tests: [], metrics: {}, resultsDir };
  let server;
  let browser;
  let teardown;
  let timer;
  try {
    const config = configOverride ? { timeoutMs: DEFAULT_SUITE_TIMEOUT_MS, workspaceTrust: false, ...configOverride } : await loadSuiteConfig(suite);
    const testsPath = testsOverride ?? join(repoRoot, 'out', 'test', 'integration', suite, 'index.js');
    if (!existsSync(testsPath)) throw new Error(`${testsPath} is missing; run \`node scripts/build.mjs\` first.`);
    // A copy per run, so tests may modify their workspace freely (a missing folder is an error naming it; another
    // can be exported as `workspace` from test/integration/<suite>/suite.mjs).
    const workspaceDir = join(tmpDir, 'workspace');
    buildWorkspace(repoRoot, config.workspace, workspaceDir);
    const channelDir = join(tmpDir, 'channel');
    mkdirSync(channelDir);
    const setup = (await config.setup?.({ repoRoot, tmpDir, workspaceDir })) ?? {};
    teardown = setup.teardown;

    server = await startCodeServer({
      install,
      tmpDir,
      env: {
        ...setup.env,
        PROXMOX_IAC_TEST_CHANNEL: channelDir,
        // The smoke-test driver (needed by 1.139) suppresses notification toasts; the harness then reads the
        // Notifications center at once instead of waiting for a toast first.
        ...((install.serverArgs ?? []).includes('enable-smoke-test-driver') ? { PROXMOX_IAC_TEST_TOASTS_HIDDEN: '1' } : {}),
      },
      settings: setup.settings ?? {},
      workspaceTrust: config.workspaceTrust,
      logFile: join(resultsDir, 'server.log'),
    });
    browser = await launchBrowser({ chromium, tmpDir });
    const { page } = browser;

    let settle;
    const finished = new Promise((resolve) => { settle = resolve; });
    // The workbench calls this when the tests module's run() settles: 0 resolved, 1 rejected.
    await page.exposeFunction('codeAutomationExit', (code) => settle({ code }));

    // Requests are served one at a time, in the order the harness made them.
    let queue = Promise.resolve();
    const answer = (id, reply) => {
      const file = join(channelDir, `${id}.json`);
      writeFileSync(`${file}.tmp`, JSON.stringify(reply));
      renameSync(`${file}.tmp`, file);
    };
    const serve = async (req) => {
      try {
        if (req.action === 'screenshot') {
          const file = join(resultsDir, `${safeName(req.name)}.png`);
          await page.screenshot({ path: file });
          answer(req.id, { ok: true, result: file });
        } else if (req.action === 'texts') {
          const texts = await page.$$eval(
            req.selector,
            (els, attribute) =>
              els
                .filter((e) => (typeof e.checkVisibility === 'function' ? e.checkVisibility() : e.offsetParent !== null))
                .map((e) => (attribute ? (e.getAttribute(attribute) ?? '') : e.innerText.trim())),
            req.attribute ?? null,
          );
          answer(req.id, { ok: true, result: texts });
        } else if (req.action === 'click') {
          let loc = page.locator(req.selector).filter({ visible: true });
          if (req.hasText) loc = loc.filter({ hasText: req.hasText });
          await loc.first().click({ timeout: 30_000 });
          answer(req.id, { ok: true });
        } else if (req.action === 'type') {
          // Keystrokes into whatever has focus (e.g. a QuickInput), as a user types them.
          await page.keyboard.type(String(req.text), { delay: 10 });
          answer(req.id, { ok: true });
        } else if (req.action === 'press') {
          await page.keyboard.press(String(req.key));
          answer(req.id, { ok: true });
        } else if (req.action === 'frameTexts') {
          // The same as `texts`, inside the webviews' frames (each webview is an iframe in an iframe).
          const texts = [];
          for (const frame of page.frames().filter((f) => f !== page.mainFrame())) {
            const found = await frame
              .$$eval(req.selector, (els, attribute) => els.map((e) => (attribute ? (e.getAttribute(attribute) ?? '') : (e.textContent ?? '').trim())), req.attribute ?? null)
              .catch(() => []);
            texts.push(...found);
          }
          answer(req.id, { ok: true, result: texts });
        } else if (req.action === 'frameClick') {
          // A webview shown again loads its page anew, so wait (up to 30 s) for the element to appear.
          let clicked = false;
          for (const until = Date.now() + 30_000; !clicked && Date.now() < until; ) {
            for (const frame of page.frames().filter((f) => f !== page.mainFrame())) {
              const loc = frame.locator(req.selector);
              if ((await loc.count().catch(() => 0)) === 0) continue;
              await loc.first().click({ timeout: 30_000, button: req.button ?? 'left' });
              clicked = true;
              break;
            }
            if (!clicked) await new Promise((r) => setTimeout(r, 200));
          }
          answer(req.id, clicked ? { ok: true } : { ok: false, error: `no webview element matches ${req.selector}` });
        } else if (req.action === 'webviewPost') {
          // Posts a message to the extension exactly as a page's acquireVsCodeApi().postMessage does (through
          // the webview host frame of the page whose frame shows `req.selector`), so a suite can send what
          // its own page never would.
          let posted = false;
          for (const frame of page.frames()) {
            const host = frame.parentFrame();
            if (!host || (await frame.locator(req.selector).count().catch(() => 0)) === 0) continue;
            await host.evaluate((message) => globalThis.__vscode_post_message__('onmessage', { message }), req.message);
            posted = true;
            break;
          }
          answer(req.id, posted ? { ok: true } : { ok: false, error: `no webview shows ${req.selector}` });
        } else if (Object.hasOwn(actions, req.action)) {
          answer(req.id, { ok: true, result: await actions[req.action](page, req) });
        } else {
          answer(req.id, { ok: false, error: `unknown action ${req.action}` });
        }
      } catch (err) {
        answer(req.id, { ok: false, error: String(err?.message ?? err).split('\n')[0] });
      }
    };
    page.on('console', (msg) => {
      const text = msg.text();
      let markers = 0;
      for (const m of text.matchAll(MARKER)) {
        markers++;
        let message;
        try {
          message = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8'));
        } catch {
          continue;
        }
        appendFileSync(consoleLog, `[harness] ${JSON.stringify(message)}\n`);
        if (message.type === 'request') {
          queue = queue.then(() => serve(message));
        } else if (message.type === 'test') {
          result.tests.push(message);
          if (message.state === 'passed') result.passed++;
          else result.failed++;
        } else if (message.type === 'metric') {
          result.metrics[message.name] = message.value;
        }
        onEvent(message);
      }
      if (markers === 0) appendFileSync(consoleLog, `[${msg.type()}] ${text}\n`);
    });
    page.on('pageerror', (err) => appendFileSync(consoleLog, `[pageerror] ${err.stack ?? err}\n`));

    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ timedOut: true }), config.timeoutMs);
      timer.unref();
    });
    const serverDied = server.exited.then(({ code, signal }) => ({ serverExit: `code ${code}, signal ${signal}` }));
    // The page's load event may take longer than playwright's default 30 s on a loaded machine; the suite
    // timeout bounds it instead. The tests may also finish before it fires.
    const loaded = page
      .goto(workbenchUrl({ port: server.port, folder: workspaceDir, extensionPath: repoRoot, testsPath }), { timeout: config.timeoutMs })
      .then(() => new Promise(() => {}), (err) => ({ navigationError: err }));
    const outcome = await Promise.race([finished, timeout, serverDied, loaded]);
    // Let a request still being served finish, but never wait on a hung page for long.
    await Promise.race([queue, new Promise((r) => setTimeout(r, 10_000).unref())]);
    if (outcome.timedOut) {
      result.error = `suite did not finish within ${config.timeoutMs / 1000} s (tests reported: ${result.tests.length})`;
    } else if (outcome.navigationError) {
      result.error = `the workbench page did not load: ${outcome.navigationError?.message ?? outcome.navigationError}`;
    } else if (outcome.serverExit) {
      result.error = `code-server exited during the suite (${outcome.serverExit})`;
    } else if (outcome.code !== 0 && result.failed === 0) {
      result.error = result.tests.length === 0 ? 'the suite ran no tests or could not load (see console.log)' : `run() rejected (exit ${outcome.code})`;
    }
  } catch (err) {
    result.error = String(err?.stack ?? err);
  } finally {
    clearTimeout(timer);
    // A suite that failed without a failing test (could not start, timed out) counts as one failure.
    if (result.error && result.failed === 0) result.failed = 1;
    if (result.failed > 0 && browser) {
      await browser.page.screenshot({ path: join(resultsDir, 'failure.png') }).catch(() => {});
    }
    await browser?.close();
    await server?.stop().catch((err) => {
      result.error = `${result.error ?? ''}\n${err.message}`.trim();
      result.failed = Math.max(result.failed, 1);
    });
    await Promise.resolve(teardown?.()).catch((err) => appendFileSync(consoleLog, `[teardown] ${err?.stack ?? err}\n`));
    if (process.env.PROXMOX_IAC_KEEP_TMP === '1') console.log(`    kept ${tmpDir}`);
    else rmSync(tmpDir, { recursive: true, force: true });
    writeFileSync(join(resultsDir, 'result.json'), JSON.stringify(result, null, 2));
  }
  return result;
}
