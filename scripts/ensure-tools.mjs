#!/usr/bin/env node
// Makes sure the programs the tests run for real are installed: Nix's evaluator (`nix-instantiate`, Debian
// package nix-bin) and OpenSSH's server (/usr/sbin/sshd, openssh-server).
//   node scripts/ensure-tools.mjs          install what is missing (root + apt-get), else say what to run
//   node scripts/ensure-tools.mjs --check  only report; exit 1 when something is missing
// Idempotent and quick when everything is there (file checks plus one ~20 ms Nix evaluation).
// Nix needs no daemon, store or setup here: the extension evaluates with `--store dummy://`, which a fresh
// `apt-get install nix-bin` supports for root and ordinary users alike, so no recommends are installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const checkOnly = process.argv.includes('--check');

function onPath(name) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, name)));
}

/** One entry per tool: how to tell it is there, and the Debian package that provides it. */
const TOOLS = [
  { name: 'nix-instantiate', pkg: 'nix-bin', present: () => onPath('nix-instantiate') || existsSync('/usr/bin/nix-instantiate') },
  { name: 'sshd', pkg: 'openssh-server', present: () => existsSync('/usr/sbin/sshd') },
];

function run(cmd, args) {
  console.log(`ensure-tools: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

/** The evaluation mode the extension uses must work (no store, no daemon). */
function nixEvaluates() {
  const bin = onPath('nix-instantiate') ? 'nix-instantiate' : '/usr/bin/nix-instantiate';
  const r = spawnSync(bin, ['--eval', '--strict', '--json', '--store', 'dummy://', '--expr', '{ ok = 1 + 1; }'], {
    encoding: 'utf8',
    env: { ...process.env, NIX_PATH: '' },
    timeout: 20_000,
  });
  return r.status === 0 && r.stdout.trim() === '{"ok":2}' ? undefined : (r.stderr || r.error?.message || 'no output').trim();
}

let missing = TOOLS.filter((t) => !t.present());
if (missing.length && !checkOnly) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    const pkgs = missing.map((t) => t.pkg);
    if (!run('apt-get', ['update']) || !run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs])) {
      console.error(`ensure-tools: installing ${pkgs.join(' ')} failed (see apt-get's output above).`);
    }
    missing = TOOLS.filter((t) => !t.present());
  }
}

if (missing.length) {
  const pkgs = missing.map((t) => t.pkg).join(' ');
  console.error(
    `ensure-tools: missing ${missing.map((t) => t.name).join(', ')}. Install with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs}` +
      (existsSync('/usr/bin/apt-get') ? '' : ` (or your system's packages providing ${missing.map((t) => t.name).join(' and ')})`),
  );
  process.exit(1);
}

const nixProblem = nixEvaluates();
if (nixProblem) {
  console.error(`ensure-tools: nix-instantiate is installed but cannot evaluate with --store dummy:// (Nix 2.4 or newer is needed): ${nixProblem}`);
  process.exit(1);
}
console.log(`ensure-tools: ${TOOLS.map((t) => t.name).join(', ')} present.`);
