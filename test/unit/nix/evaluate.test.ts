/**
 * The evaluation boundary: real nix-instantiate, restricted to the workspace, killed on timeout and
 * abort, and one information message when Nix is missing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearNixEvalCache, evaluateNixText } from '../../../src/core/iac/nix/evaluate';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import { declaredGuestsFromNix, NIX_NOT_INSTALLED_MESSAGE, validateNixFile } from '../../../src/core/iac/nix/index';
import { parsePartialJson } from '../../../src/core/iac/nix/partialJson';
import { fleetCopy, REAL_HOSTS, type FleetCopy } from './fleetCopy';

let fleet: FleetCopy;

/** Settings the extension really contributes (package.json). */
const MANIFEST = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { configuration: { properties: object } } };
const SETTINGS = new Set(Object.keys(MANIFEST.contributes.configuration.properties));

/** A message that sends the user to a setting must name one that exists. */
function assertNamesOnlyRealSettings(message: string): void {
  const named = message.match(/proxmoxIac\.[\w.]+\w/g) ?? [];
  if (/\bsettings?\b/i.test(message)) assert.ok(named.length > 0, `the message sends the user to a setting without naming it: ${message}`);
  for (const key of named) assert.ok(SETTINGS.has(key), `the message names the setting ${key}, which package.json does not contribute: ${message}`);
}

before(() => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');
  fleet = fleetCopy();
});
after(() => fleet.remove());

/** Runs ~forever in constant memory: 10^9 additions, no recursion for Nix to detect. */
const ENDLESS = `{
  a = let l = builtins.genList (x: x) 10000; g = acc: builtins.foldl' (b: _: b + 1) acc l;
      in builtins.foldl' (acc: _: g acc) 0 (builtins.genList (x: x) 100000);
}
`;

test('path literals to files that do not exist become strings; unsaved text is what gets evaluated', async () => {
  const unsaved = REAL_HOSTS.replace('hostname = "caddy";', 'hostname = "caddy-renamed";');
  const r = await evaluateNixText(fleet.hostsPath, unsaved);
  assert.equal(r.kind, 'ok');
  if (r.kind !== 'ok') return;
  const epi = r.value['epimetheus'] as Record<string, unknown>;
  assert.equal(epi['configurationFile'], join(fleet.dir, 'hosts/epi/configuration.nix'));
  assert.equal((r.value['caddy'] as Record<string, unknown>)['hostname'], 'caddy-renamed');
  assert.deepEqual(r.positions['caddy']?.at, [REAL_HOSTS.split('\n').findIndex((l) => l.startsWith('  caddy = {')) + 1, 3]);
});

test('relative imports resolve from the file’s folder, and their errors point at the importing attribute', async () => {
  writeFileSync(join(fleet.dir, 'extra.nix'), '{\n  cores = 2 +;\n}\n');
  const text = '{\n  _proxmox = { host = "pve"; node = "pve"; };\n  web = {\n    proxmox = import ./extra.nix;\n  };\n}\n';
  const [d, ...rest] = await validateNixFile(fleet.hostsPath, text);
  assert.equal(rest.length, 0);
  assert.match(d.message, /syntax error.*extra\.nix:2:/);
  assert.equal(d.range.start.line, 3);

  writeFileSync(join(fleet.dir, 'vm.nix'), '{ vmid = 120; cores = 2; memory = 2048; disk = "20G"; }\n');
  const ok = '{\n  web = {\n    proxmox = import ./vm.nix;\n  };\n}\n';
  assert.deepEqual(await validateNixFile(fleet.hostsPath, ok), []);
  assert.deepEqual((await declaredGuestsFromNix(fleet.hostsPath, ok)).map((g) => g.vmid), [120]);
});

test('evaluation cannot read files outside the workspace or use the network', async () => {
  const text = '{\n  web = {\n    description = builtins.readFile /etc/passwd;\n  };\n}\n';
  const [d] = await validateNixFile(fleet.hostsPath, text);
  assert.match(d.message, /forbidden in restricted mode/);
  assert.match(d.message, /only files inside the workspace/);
  assert.equal(d.range.start.line, 2);

  const net = '{\n  web = builtins.fetchurl "http://127.0.0.1:9/x";\n}\n';
  const [n] = await validateNixFile(fleet.hostsPath, net);
  assert.match(n.message, /forbidden in restricted mode/);
});

test('a nix.conf that allows builtins.exec is ignored: workspace code cannot run commands', async () => {
  const confDir = join(fleet.dir, 'conf');
  mkdirSync(join(confDir, 'nix'), { recursive: true });
  writeFileSync(join(confDir, 'nix.conf'), 'allow-unsafe-native-code-during-evaluation = true\n');
  writeFileSync(join(confDir, 'nix', 'nix.conf'), 'allow-unsafe-native-code-during-evaluation = true\n');
  const saved = { NIX_CONF_DIR: process.env['NIX_CONF_DIR'], XDG_CONFIG_HOME: process.env['XDG_CONFIG_HOME'] };
  process.env['NIX_CONF_DIR'] = confDir;
  process.env['XDG_CONFIG_HOME'] = confDir;
  try {
    const [d] = await validateNixFile(fleet.hostsPath, '{\n  web = builtins.exec [ "touch" "/tmp/proxmox-iac-pwned" ];\n}\n');
    assert.match(d.message, /attribute 'exec' missing/);
    assert.equal(d.range.start.line, 1);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test("the fleet's hosts.nix (beside vms/definitions.nix) that is a function or a list gets one clear error", async () => {
  const [f] = await validateNixFile(fleet.hostsPath, '{ lib, ... }: {\n  a = 1;\n}\n');
  assert.equal(f.code, 'nix-not-attrs');
  assert.match(f.message, /hosts\.nix is a function/);
  const [l] = await validateNixFile(fleet.hostsPath, '[ 1 2 ]\n');
  assert.match(l.message, /evaluates to a list/);
  const [d] = await validateNixFile(fleet.definitionsPath, '{ lib, ... }: { }\n');
  assert.equal(d.code, 'nix-not-attrs');
});

test('a hosts.nix of another layout (no vms/definitions.nix beside it) that is a list or a function: no diagnostic', async () => {
  // The shapes of NULLx76/infrastructure's hosts.nix (a list its flake maps over) and of CRTified/nix-cluster's
  // (a function of the flake's inputs): Nix accepts both, so neither may get an error from us.
  const other = fleetCopy('{ }\n', null);
  try {
    assert.deepEqual(await validateNixFile(other.hostsPath, '{ nixpkgs, ... }:\n{\n  web = nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ ]; };\n}\n'), []);
    assert.deepEqual(await validateNixFile(other.hostsPath, '[\n  { hostname = "dhcp"; ip = "10.42.42.3"; mac = "3E:2D:E8:AA:E2:81"; }\n]\n'), []);
    // Broken Nix in the same shapes is still an error.
    const [broken] = await validateNixFile(other.hostsPath, '[\n  { hostname = "dhcp" }\n]\n');
    assert.equal(broken?.severity, 'error');
    assert.equal(broken?.code, 'nix-eval');
  } finally {
    other.remove();
  }
});

test('an unterminated file is reported at its last line, not at the wrapper', async () => {
  const text = '{\n  web = {\n    proxmox = { vmid = 120;\n';
  const [d] = await validateNixFile(fleet.hostsPath, text);
  assert.match(d.message, /the file ends before every/);
  assert.equal(d.range.start.line, 2);
});

test('an endless evaluation is killed at the timeout and reported once', async () => {
  clearNixEvalCache();
  const started = Date.now();
  const diags = await validateNixFile(fleet.hostsPath, ENDLESS, { timeoutMs: 400 });
  const took = Date.now() - started;
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'nix-timeout');
  assert.match(diags[0].message, /longer than 400 ms/);
  assertNamesOnlyRealSettings(diags[0].message);
  // SIGKILL: Nix itself ignores SIGTERM for tens of seconds in such a loop. The bound leaves room for a loaded
  // machine, where starting nix-instantiate alone can take seconds, and is still far below that.
  assert.ok(took < 10_000, `took ${took} ms`);
});

test('aborting the signal kills the evaluation and yields no diagnostics', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 200);
  const diags = await validateNixFile(fleet.hostsPath, ENDLESS, { signal: controller.signal, timeoutMs: 60_000 });
  assert.deepEqual(diags, []);
  assert.ok(Date.now() - started < 10_000, 'ended at the abort, long before the 60 s timeout');
  // Nothing was cached for the cancelled text: the next run evaluates again (and times out quickly).
  const again = await validateNixFile(fleet.hostsPath, ENDLESS, { timeoutMs: 300 });
  assert.equal(again[0]?.code, 'nix-timeout');
});

test('without Nix: exactly one information diagnostic, and no guests', async () => {
  const missing = join(fleet.dir, 'no-such-nix-instantiate');
  const diags = await validateNixFile(fleet.hostsPath, REAL_HOSTS, { nixBin: missing });
  assert.equal(diags.length, 1);
  assert.equal(diags[0].severity, 'information');
  assert.equal(diags[0].code, 'nix-not-installed');
  assert.equal(diags[0].message, NIX_NOT_INSTALLED_MESSAGE);
  assert.match(diags[0].message, /apt-get install nix-bin/);
  assertNamesOnlyRealSettings(diags[0].message);
  assert.deepEqual(await declaredGuestsFromNix(fleet.hostsPath, REAL_HOSTS, { nixBin: missing }), []);
  const onPath = await validateNixFile(fleet.hostsPath, REAL_HOSTS, { nixBin: 'no-such-nix-instantiate-on-path' });
  assert.deepEqual(onPath.map((d) => d.message), [NIX_NOT_INSTALLED_MESSAGE]);
});

test('other .nix files are left alone', async () => {
  assert.deepEqual(await validateNixFile(join(fleet.dir, 'flake.nix'), 'this is { not nix'), []);
});

test('partial JSON: the cut-off point names the member being written', () => {
  assert.deepEqual(parsePartialJson('{"a":1,"b":{"q":}}'), { value: { a: 1, b: {} }, cutAt: ['b', 'q'] });
  assert.deepEqual(parsePartialJson('{"a":[1,{"x":"y"'), { value: { a: [1, { x: 'y' }] }, cutAt: ['a', 1] });
  assert.deepEqual(parsePartialJson('{"a":{"at":[3,3],"sub":'), { value: { a: { at: [3, 3] } }, cutAt: ['a', 'sub'] });
  assert.deepEqual(parsePartialJson('[1,2]'), { value: [1, 2], cutAt: undefined });
});
