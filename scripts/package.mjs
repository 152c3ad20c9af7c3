#!/usr/bin/env node
// npm run package: builds, then packs the extension into proxmox-iac-<version>.vsix at the repository root
// with @vscode/vsce. What goes in is decided by .vscodeignore (check with `npx vsce ls --no-dependencies`).
// The project has no public repository URL, so package.json names none (--allow-missing-repository) and the
// README's relative links and images stay relative (--no-rewrite-relative-links): VS Code resolves them inside
// the installed extension, so the screenshots the README shows must ship (see .vscodeignore).
//   node scripts/package.mjs [--out FILE] [--no-build]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** The default .vsix path: <repo>/<name>-<version>.vsix. */
export function defaultVsixPath() {
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return join(repoRoot, `${name}-${version}.vsix`);
}

/**
 * Packs the already-built extension into `out`. The bundles hold every dependency, so node_modules is not
 * shipped (--no-dependencies). Throws with vsce's output when packing fails.
 */
export function packageVsix(out = defaultVsixPath()) {
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', out], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`vsce package failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : defaultVsixPath();
  if (!args.includes('--no-build')) {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  try {
    console.log(`packed ${packageVsix(out)}`);
    console.log('Install it with: code --install-extension ' + out);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
