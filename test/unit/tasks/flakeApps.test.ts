/**
 * Which flake app a Terranix task runs: names listed by the real nix-instantiate (no store, no network) from
 * the flake's outputs, else read from its files, else seed 000's `tofu-plan` …; a setting overrides any.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { appFor, findApp, listFlakeApps, SEED_FLAKE_APPS } from '../../../src/core/tasks/flakeApps';
import { appNamesInText, listFlakeAppsStatically } from '../../../src/core/tasks/flakeAppsStatic';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import { actionsFor, appOf, expandTemplate, templateFor } from '../../../src/core/tasks/templates';
import { measureCpu } from '../../support/cpu-time';

const FIXTURES = nodePath.resolve(__dirname, '../../fixtures/flake-apps');
const ROOTS = { workspaceRoots: [FIXTURES] };
const nixPresent = (): void => assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');

/** The argv a Terranix task runs for `action` with these apps (no setting). */
const argv = (action: 'init' | 'plan' | 'apply' | 'destroy', apps = SEED_FLAKE_APPS, target?: string) => {
  const template = templateFor('terranix', action)!;
  return expandTemplate(template, { tool: 'nix', app: appOf('terranix', action, apps), ...(target ? { target } : {}) });
};

test('a flake with its own app names: Nix lists them, plan/apply/destroy run them, and init (which it lacks) is not offered', async () => {
  nixPresent();
  const apps = await listFlakeApps(nodePath.join(FIXTURES, 'custom'), ROOTS);
  assert.equal(apps.source, 'nix', apps.nixProblem);
  assert.deepEqual(apps.names, ['infra-apply', 'infra-destroy', 'infra-plan', 'show']);
  assert.deepEqual(argv('plan', apps, 'proxmox_virtual_environment_vm.web'), ['nix', 'run', '.#infra-plan', '--', '-target=proxmox_virtual_environment_vm.web']);
  assert.deepEqual(argv('apply', apps), ['nix', 'run', '.#infra-apply']);
  assert.deepEqual(argv('destroy', apps), ['nix', 'run', '.#infra-destroy']);
  assert.deepEqual(actionsFor('terranix', {}, apps), ['plan', 'apply', 'destroy', 'build-template']);
  // A setting still decides: an init command of the user's own is offered.
  assert.deepEqual(actionsFor('terranix', { 'terranix.init': ['${tool}', 'run', '.#bootstrap'] }, apps), ['init', 'plan', 'apply', 'destroy', 'build-template']);
});

test('terranix\'s documented flake-utils layout: Nix lists apply, destroy and plan through the stand-in eachDefaultSystem', async () => {
  nixPresent();
  const apps = await listFlakeApps(nodePath.join(FIXTURES, 'flake-utils'), ROOTS);
  assert.equal(apps.source, 'nix', apps.nixProblem);
  assert.deepEqual(apps.names, ['apply', 'destroy', 'plan']);
  assert.deepEqual(argv('plan', apps), ['nix', 'run', '.#plan']);
  assert.deepEqual(actionsFor('terranix', {}, apps).filter((a) => a !== 'build-template'), ['plan', 'apply', 'destroy']);
});

test('seed 000\'s flake-parts layout: Nix cannot list it without its inputs, so the names come from flake.nix and the modules it imports', async () => {
  nixPresent();
  const apps = await listFlakeApps(nodePath.join(FIXTURES, 'flake-parts'), ROOTS);
  assert.equal(apps.source, 'files');
  assert.match(apps.nixProblem ?? '', /Nix could not evaluate the flake's outputs with stand-in inputs/);
  // Commented-out bindings are not apps; `inherit` and quoted names are.
  assert.deepEqual(apps.names, ['fleet-apply', 'fleet-destroy', 'fleet-init', 'fleet-plan', 'fleet-show']);
  assert.deepEqual(argv('init', apps), ['nix', 'run', '.#fleet-init']);
  assert.deepEqual(argv('destroy', apps), ['nix', 'run', '.#fleet-destroy']);
});

test('when neither Nix nor the files name the apps, the seed\'s names run (nix run .#tofu-plan …)', async () => {
  nixPresent();
  const apps = await listFlakeApps(nodePath.join(FIXTURES, 'unlistable'), ROOTS);
  assert.equal(apps.source, 'seed');
  assert.ok(apps.nixProblem, 'the reason Nix did not list them is kept for the log');
  assert.deepEqual([argv('init', apps), argv('plan', apps), argv('apply', apps), argv('destroy', apps)], [
    ['nix', 'run', '.#tofu-init'],
    ['nix', 'run', '.#tofu-plan'],
    ['nix', 'run', '.#tofu-apply'],
    ['nix', 'run', '.#tofu-destroy'],
  ]);
  assert.deepEqual(actionsFor('terranix', {}, apps), ['init', 'plan', 'apply', 'destroy', 'build-template']);
});

test('listing is bounded in time: an evaluation that runs too long is killed and the files are read instead', async () => {
  nixPresent();
  const started = process.hrtime.bigint();
  const apps = await listFlakeApps(nodePath.join(FIXTURES, 'slow'), { ...ROOTS, timeoutMs: 1_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  assert.match(apps.nixProblem ?? '', /Nix took longer than 1000 ms/);
  assert.equal(apps.source, 'files');
  assert.deepEqual(apps.names, ['tofu-plan']);
  assert.ok(seconds < 20, `listing took ${seconds.toFixed(1)} s`);
});

test('a flake outside the workspace folders is neither evaluated nor read; the seed\'s names run', async () => {
  const apps = await listFlakeApps(nodePath.join(FIXTURES, 'custom'), { workspaceRoots: [nodePath.join(FIXTURES, 'flake-utils')] });
  assert.deepEqual([apps.source, apps.names], ['seed', []]);
  assert.equal(appFor('plan', apps), 'tofu-plan');
});

test('evaluation reads nothing outside the flake\'s folder and sees none of the editor\'s environment', async () => {
  nixPresent();
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'piac-flake-'));
  try {
    writeFileSync(nodePath.join(dir, 'secret.nix'), '{ leaked = true; }');
    mkdirSync(nodePath.join(dir, 'env'));
    mkdirSync(nodePath.join(dir, 'above'));
    // The app's name would carry the token if the evaluation saw the editor's environment.
    writeFileSync(nodePath.join(dir, 'env', 'flake.nix'), '{ outputs = { self }: { apps.x86_64-linux = { "tofu-plan${builtins.getEnv "PROXMOX_IAC_TOKEN"}" = 1; }; }; }');
    // The apps exist only if the evaluation could read a file above the flake's folder.
    writeFileSync(nodePath.join(dir, 'above', 'flake.nix'), '{ outputs = { self }: { apps.x86_64-linux = if (import ../secret.nix).leaked then { tofu-apply = 1; } else { }; }; }');
    process.env.PROXMOX_IAC_TOKEN = '-secret';
    const env = await listFlakeApps(nodePath.join(dir, 'env'), { workspaceRoots: [dir] });
    assert.deepEqual([env.source, env.names], ['nix', ['tofu-plan']]);
    const above = await listFlakeApps(nodePath.join(dir, 'above'), { workspaceRoots: [dir] });
    assert.notEqual(above.source, 'nix', `Nix read ../secret.nix: ${JSON.stringify(above)}`);
    assert.match(above.nixProblem ?? '', /forbidden in restricted mode/);
  } finally {
    delete process.env.PROXMOX_IAC_TOKEN;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the file reader follows only relative .nix references inside the flake\'s folder', async () => {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'piac-flake-'));
  try {
    writeFileSync(nodePath.join(dir, 'outside.nix'), '{ apps.tofu-destroy = 1; }');
    mkdirSync(nodePath.join(dir, 'ws', 'nix'), { recursive: true });
    writeFileSync(nodePath.join(dir, 'ws', 'flake.nix'), '{ outputs = _: { imports = [ ./nix/apps.nix ../outside.nix ]; }; }');
    writeFileSync(nodePath.join(dir, 'ws', 'nix', 'apps.nix'), '{ perSystem = { ... }: { apps.tofu-plan = 1; }; }');
    assert.deepEqual(await listFlakeAppsStatically(nodePath.join(dir, 'ws')), ['tofu-plan']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the file reader: the forms flakes use to declare apps, and what it leaves alone', () => {
  const names = (src: string) => appNamesInText(src).sort();
  assert.deepEqual(names('{ apps.x86_64-linux.tofu-plan = x; apps.${system}.tofu-apply = y; apps."tofu-init" = z; }'), ['tofu-apply', 'tofu-init', 'tofu-plan']);
  assert.deepEqual(names('{ apps = forAllSystems (system: let pkgs = import nixpkgs { inherit system; }; in { plan = a; inherit (b) apply destroy; }); }'), ['apply', 'destroy', 'plan']);
  assert.deepEqual(names('{ apps = { x86_64-linux = { plan = a; }; ${"aarch64-linux"} = { apply = b; }; }; }'), ['apply', 'plan']);
  assert.deepEqual(names('{ apps = genAttrs systems ({ pkgs, ... }: { plan = 1; }); }'), ['plan']);
  // Not bindings of apps: uses, strings, comments, sets handed to other functions.
  assert.deepEqual(names('{ default = self.apps.x.plan; d = "apps.nope = 1;"; e = \'\'apps.nope2 = 2;\'\'; # apps.nope3 = 3;\n }'), []);
  assert.deepEqual(names('{ apps = eachSystem (system: listToAttrs (map (v: { name = v; value = 1; }) [ "plan" ])); }'), []);
  assert.equal(findApp('plan', ['deploy', 'prod-plan', 'tofu-plan']), 'tofu-plan');
  assert.equal(findApp('plan', ['deploy', 'prod-plan']), 'prod-plan');
  assert.equal(findApp('apply', ['plan']), undefined);
});

test('the file reader stays fast on hostile text: unclosed brackets after many apps bindings, a file over its limit', async () => {
  // 256 KiB of `apps = (` that never close: each binding would otherwise search the rest of the file.
  const hostile = `{ ${'apps = ( '.repeat(256 * 1024 / 10)}`;
  const { cpuMs } = await measureCpu(() => appNamesInText(hostile));
  assert.ok(cpuMs < 1_500, `${cpuMs.toFixed(0)} ms of CPU for 256 KiB`);
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'piac-flake-'));
  try {
    writeFileSync(nodePath.join(dir, 'flake.nix'), `{ apps.tofu-plan = 1; }${' '.repeat(300 * 1024)}`);
    assert.deepEqual(await listFlakeAppsStatically(dir), [], 'a flake.nix over 256 KiB is not read');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
