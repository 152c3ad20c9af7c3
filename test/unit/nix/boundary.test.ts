/**
 * What workspace Nix code can reach: files only inside the workspace folder (never the enclosing git
 * repository or $HOME above it), and an environment that carries none of the editor's variables.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAllowedPaths } from '../../../src/core/iac/nix/evalBoundary';
import { clearNixEvalCache, evaluateNixText } from '../../../src/core/iac/nix/evaluate';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import { validateNixFile } from '../../../src/core/iac/nix/index';

const SECRET = 'ssh-private-key-7f3a9c';
let home: string;

before(() => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');
  // A dotfiles repository in $HOME with a secret, and the user's project (the workspace) inside it.
  home = mkdtempSync(join(tmpdir(), 'nix-home-'));
  mkdirSync(join(home, '.git'));
  writeFileSync(join(home, 'secret'), `${SECRET}\n`);
  mkdirSync(join(home, 'projects/fleet/vms'), { recursive: true });
  mkdirSync(join(home, 'projects/fleet/modules'), { recursive: true });
  writeFileSync(join(home, 'projects/fleet/modules/cores.nix'), '4\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

test('hosts.nix in a workspace inside a git repository cannot read a file above the workspace folder', async () => {
  clearNixEvalCache();
  const ws = join(home, 'projects/fleet');
  const hosts = join(ws, 'hosts.nix');
  for (const path of ['../../secret', `${home}/secret`]) {
    const text = `{\n  web = {\n    description = builtins.readFile ${path};\n  };\n}\n`;
    const r = await evaluateNixText(hosts, text, { workspaceRoots: [ws] });
    assert.equal(r.kind, 'error', `reading ${path} gave ${JSON.stringify(r)}`);
    assert.doesNotMatch(JSON.stringify(r), new RegExp(SECRET));
    const [d] = await validateNixFile(hosts, text, { workspaceRoots: [ws] });
    assert.match(d.message, /forbidden in restricted mode|does not exist/);
    assert.doesNotMatch(d.message, new RegExp(SECRET));
  }
});

test('the allowed root stops at the workspace folder, and widens to a repository only inside it', () => {
  const ws = join(home, 'projects/fleet');
  assert.deepEqual(defaultAllowedPaths(join(ws, 'hosts.nix'), [ws]), [ws]);
  assert.deepEqual(defaultAllowedPaths(join(ws, 'vms/definitions.nix'), [ws]), [ws]);
  // A workspace that is only the vms/ folder does not reach its parent either.
  assert.deepEqual(defaultAllowedPaths(join(ws, 'vms/definitions.nix'), [join(ws, 'vms')]), [join(ws, 'vms')]);
  // No workspace holds the file: its own fleet folder, never the repository around it.
  assert.deepEqual(defaultAllowedPaths(join(ws, 'hosts.nix')), [ws]);
  assert.deepEqual(defaultAllowedPaths(join(ws, 'hosts.nix'), [join(tmpdir(), 'elsewhere')]), [ws]);
  // The whole home directory opened as the workspace: the repository (here all of it) is the boundary.
  assert.deepEqual(defaultAllowedPaths(join(ws, 'hosts.nix'), [home]), [home]);
});

test('imports inside the workspace still work', async () => {
  clearNixEvalCache();
  const ws = join(home, 'projects/fleet');
  const text = '{\n  web = {\n    proxmox = { vmid = 120; cores = import ../modules/cores.nix; memory = 2048; };\n  };\n}\n';
  const r = await evaluateNixText(join(ws, 'vms/definitions.nix'), text, { workspaceRoots: [ws] });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
});

test('nix-instantiate gets none of the editor’s environment: no tokens, no NIX_CONFIG, no NIX_PATH', async () => {
  clearNixEvalCache();
  const ws = join(home, 'projects/fleet');
  const saved = { ...process.env };
  process.env['PROXMOX_IAC_TOKEN'] = 'token-secret-in-env';
  process.env['PROXMOX_IAC_SECRETS_FILE'] = join(home, 'secret');
  // A search-path entry from an inherited NIX_CONFIG would be readable even in restricted mode.
  process.env['NIX_CONFIG'] = `allow-unsafe-native-code-during-evaluation = true\nextra-nix-path = home=${home}`;
  process.env['NIX_PATH'] = `nixpkgs=${home}`;
  try {
    const vars = ['PROXMOX_IAC_TOKEN', 'PROXMOX_IAC_SECRETS_FILE', 'NIX_CONFIG', 'NIX_PATH', 'PATH', 'USER'];
    const text = `{\n${vars.map((v) => `  ${v} = builtins.getEnv "${v}";`).join('\n')}\n}\n`;
    const r = await evaluateNixText(join(ws, 'hosts.nix'), text, { workspaceRoots: [ws] });
    assert.equal(r.kind, 'ok', JSON.stringify(r));
    if (r.kind !== 'ok') return;
    assert.deepEqual(r.value, Object.fromEntries(vars.map((v) => [v, ''])));
    // NIX_CONFIG did not switch builtins.exec on, and NIX_PATH did not make <nixpkgs> reachable.
    const [exec] = await validateNixFile(join(ws, 'hosts.nix'), '{\n  web = builtins.exec [ "touch" "/tmp/proxmox-iac-pwned" ];\n}\n', { workspaceRoots: [ws] });
    assert.match(exec.message, /attribute 'exec' missing/);
    for (const entry of ['home', 'nixpkgs']) {
      const text = `{\n  web = { description = builtins.readFile <${entry}/secret>; };\n}\n`;
      const r = await evaluateNixText(join(ws, 'hosts.nix'), text, { workspaceRoots: [ws] });
      assert.equal(r.kind, 'error', `<${entry}/secret> gave ${JSON.stringify(r)}`);
      const [d] = await validateNixFile(join(ws, 'hosts.nix'), text, { workspaceRoots: [ws] });
      assert.match(d.message, /not found in the Nix search path|forbidden in restricted mode/);
      assert.doesNotMatch(d.message, new RegExp(SECRET));
    }
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
