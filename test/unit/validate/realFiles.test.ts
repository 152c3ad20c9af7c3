/**
 * Real files from the public repositories behind the seeds, at several points of their history
 * (test/fixtures/real/README.md names repository, commit and path of each). None may get an error that the
 * tool consuming it (iac-driver, cue vet / task configure, the fleet's own tofu module) would not raise;
 * older eras are read the way their tools read them; and real mistakes seeded into copies are still errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { validateNixFile } from '../../../src/core/iac/nix/index';
import { LineIndex } from '../../../src/core/iac/text';
import type { IacDiagnostic } from '../../../src/core/iac/types';
import type { TextEdit } from '../../../src/core/validate/api';
import { overlayFiles } from './helpers';

const REAL = nodePath.resolve(__dirname, '../../fixtures/real');
const era = (repo: string, folder: string): string => nodePath.join(REAL, repo, folder);

async function walk(dir: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = nodePath.join(dir, e.name);
    if (e.isDirectory()) await walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Every diagnostic of every IaC file in one era folder, keyed by path relative to it. */
async function validateEra(dir: string): Promise<Map<string, IacDiagnostic[]>> {
  const service = createLanguageService(nodeFileSource(), { workspaceRoots: [dir] });
  const out = new Map<string, IacDiagnostic[]>();
  for (const file of (await walk(dir)).sort()) {
    const format = service.detectFormat(file);
    if (!format) continue;
    const text = await readFile(file, 'utf8');
    const diags = format.endsWith('nix') ? await validateNixFile(file, text) : await service.validate(file, text);
    out.set(nodePath.relative(dir, file), diags);
  }
  return out;
}

function errorsOf(results: Map<string, IacDiagnostic[]>): string[] {
  const out: string[] = [];
  for (const [file, diags] of results) for (const d of diags) if (d.severity === 'error') out.push(`${file}:${d.range.start.line + 1} [${d.code}] ${d.message}`);
  return out;
}

function codes(results: Map<string, IacDiagnostic[]>, file: string): string[] {
  return (results.get(file) ?? []).map((d) => `${d.severity}:${d.code}`);
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

test('every real era folder validates without an error', async () => {
  const folders: string[] = [];
  for (const repo of await readdir(REAL, { withFileTypes: true })) {
    if (!repo.isDirectory()) continue;
    for (const f of await readdir(nodePath.join(REAL, repo.name))) folders.push(era(repo.name, f));
  }
  assert.ok(folders.length >= 11, `expected the fixture eras, found ${folders.length}`);
  for (const dir of folders) {
    const results = await validateEra(dir);
    assert.ok(results.size > 0, `${dir}: no IaC file recognised`);
    assert.deepEqual(errorsOf(results), [], nodePath.relative(REAL, dir));
  }
});

test('site-config before v0.13: datastore comes from site.yaml defaults, presets from vms/presets/', async () => {
  const results = await validateEra(era('site-config', '2026-01-04-61f6367'));
  assert.deepEqual(codes(results, 'nodes/pve.yaml'), []);
  assert.deepEqual(codes(results, 'vms/test.yaml'), []);
  // site.yaml's ssh_user is read by iac-driver (defaults.get("ssh_user")): a known key, not even a warning.
  assert.deepEqual(codes(results, 'site.yaml'), []);
});

test('keys iac-driver ignores are warnings with the reason; a likely typo of a known key stays an error', async () => {
  const dir = era('site-config', '2026-01-04-36ae6e0');
  const results = await validateEra(dir);
  const env = results.get('envs/dev.yaml') ?? [];
  assert.deepEqual(env.map((d) => d.severity), ['warning', 'warning']);
  assert.match(env[0].message, /Unknown key 'env'.*iac-driver ignores keys it does not know/);

  const site = nodePath.join(dir, 'site.yaml');
  const typo = (await readFile(site, 'utf8')).replace('timezone:', 'timezon:');
  const service = createLanguageService(overlayFiles({ [site]: typo }));
  const diags = await service.validate(site, typo);
  assert.deepEqual(diags.map((d) => [d.severity, d.code, d.data?.replacement]), [['error', 'unknown-key', 'timezone']]);
});

test('a node without datastore is an error once site.yaml no longer supplies one (iac-driver v0.13+ stops)', async () => {
  const dir = era('site-config', '2026-01-04-61f6367');
  const site = nodePath.join(dir, 'site.yaml');
  const node = nodePath.join(dir, 'nodes/pve.yaml');
  const siteText = (await readFile(site, 'utf8')).replace(/^\s*datastore:.*\n/m, '');
  const service = createLanguageService(overlayFiles({ [site]: siteText }));
  const diags = await service.validate(node, await readFile(node, 'utf8'));
  assert.deepEqual(diags.map((d) => [d.severity, d.code]), [['error', 'missing-key']]);
  assert.match(diags[0].message, /missing required 'datastore'/);
});

test('node host / parent_node pointing nowhere is only a warning: nothing dereferences them', async () => {
  const results = await validateEra(era('site-config', '2026-01-06-c0ec12a'));
  assert.deepEqual(codes(results, 'nodes/mother.yaml'), ['warning:unknown-reference']);
  assert.deepEqual(codes(results, 'nodes/nested-pve.yaml'), ['warning:unknown-reference']);
  assert.match(results.get('nodes/mother.yaml')![0].message, /Unknown host 'mother'.*iac-driver never reads/);
});

test('v1 manifest of January 2026: vm_preset resolves in vms/presets/, the migration is offered, a typo still errors', async () => {
  const dir = era('site-config', '2026-01-31-e24a520');
  const results = await validateEra(dir);
  assert.deepEqual(codes(results, 'manifests/n2-quick.yaml'), ['warning:manifest-v1']);

  const path = nodePath.join(dir, 'manifests/n2-quick.yaml');
  const broken = (await readFile(path, 'utf8')).replace('vm_preset: large', 'vm_preset: larg');
  const service = createLanguageService(nodeFileSource());
  const diags = await service.validate(path, broken);
  const typo = diags.find((d) => d.code === 'unknown-reference');
  assert.ok(typo, JSON.stringify(diags));
  assert.equal(typo.severity, 'error');
  assert.equal(typo.data?.replacement, 'large');
  assert.match(typo.message, /vms\/presets\/larg\.yaml/);
  const fixes = await service.codeFixes(path, broken, diags[0].range, diags);
  assert.ok(fixes.some((f) => /schema_version 2/.test(f.title)));
});

test('flat postures are recognised, warned about and migrated; the result passes the repository schema of today', async () => {
  const old = era('site-config', '2026-01-31-e24a520');
  const results = await validateEra(old);
  assert.deepEqual(codes(results, 'postures/dev.yaml'), ['warning:posture-flat']);

  const path = nodePath.join(old, 'postures/dev.yaml');
  const text = await readFile(path, 'utf8');
  const service = createLanguageService(nodeFileSource());
  const diags = await service.validate(path, text);
  const [fix] = await service.codeFixes(path, text, diags[0].range, diags);
  assert.match(fix.title, /nested posture format/);
  const migrated = applyEdits(text, fix.edits);
  assert.match(migrated, /^# Development security posture/);
  assert.match(migrated, /ssh:\n {2}port: 22\n {2}permit_root_login: "yes"/);
  assert.match(migrated, /sudo:\n {2}nopasswd: true/);
  assert.match(migrated, /packages:\n {2}- net-tools/);

  // Placed in today's site-config, defs/posture.schema.json (the repository's own) accepts it.
  const today = nodePath.join(era('site-config', '2026-03-22-541f95a'), 'postures/migrated.yaml');
  const current = createLanguageService(overlayFiles({ [today]: migrated }));
  assert.deepEqual(await current.validate(today, migrated), []);
});

test('the v1/v2 transition: v2/nodes use the repository schema in v2/defs, v2 manifests resolve v2/presets and v2/specs; defs/ of today stay strict', async () => {
  const transition = await validateEra(era('site-config', '2026-02-02-b717a51'));
  assert.deepEqual(codes(transition, 'v2/nodes/pve.yaml'), []);
  assert.deepEqual(codes(transition, 'v2/nodes/base.yaml'), []);
  // The repository's own schema is authoritative: a node type it does not list is an error.
  const nodePathV2 = nodePath.join(era('site-config', '2026-02-02-b717a51'), 'v2/nodes/pve.yaml');
  const wrong = (await readFile(nodePathV2, 'utf8')).replace('type: vm', 'type: vmm');
  const diags = await createLanguageService(nodeFileSource()).validate(nodePathV2, wrong);
  assert.deepEqual(diags.map((d) => [d.severity, d.code]), [['error', 'invalid-value']]);

  const v2 = await validateEra(era('site-config', '2026-02-06-5d142ec'));
  assert.deepEqual(codes(v2, 'manifests/n1-basic.yaml'), []);
  assert.deepEqual(codes(v2, 'manifests/n2-quick.yaml'), []);

  // Today's site-config is held to its own defs/ likewise: an unknown key in a manifest node is an error.
  const path = nodePath.join(era('site-config', '2026-03-22-541f95a'), 'manifests/n2-push.yaml');
  const text = (await readFile(path, 'utf8')).replace('    parent: root-pve', '    parent: root-pve\n    colour: blue');
  assert.notEqual(text, await readFile(path, 'utf8'));
  const today = await createLanguageService(nodeFileSource()).validate(path, text);
  assert.deepEqual(today.map((d) => [d.severity, d.code]), [['error', 'unknown-key']]);
});

test('a sops-nix secrets/secrets.yaml is not taken for a site-config secrets.yaml', async () => {
  const dir = era('nixosconfig', '2025-10-02-7bb6418a');
  const path = nodePath.join(dir, 'secrets/secrets.yaml');
  const service = createLanguageService(nodeFileSource(), { workspaceRoots: [dir] });
  assert.deepEqual(await service.validate(path, await readFile(path, 'utf8')), []);
});

test('hosts.nix: a read-only host\'s disk = "passthrough" is fine; on a managed host it warns; a managed "64GB" still errors', async () => {
  const path = nodePath.join(era('nixosconfig', '2026-01-14-85c448c1'), 'hosts.nix');
  const real = await readFile(path, 'utf8');
  assert.deepEqual(await validateNixFile(path, real), []);

  const igpu = real.indexOf('  igpu = {');
  const managed = real.slice(0, igpu) + real.slice(igpu).replace('readonly = true; # Production VM - do not manage with OpenTofu', 'readonly = false;');
  const warn = await validateNixFile(path, managed);
  assert.deepEqual(warn.map((d) => [d.severity, d.code]), [['warning', 'nix-disk']]);

  const typo = managed.slice(0, igpu) + managed.slice(igpu).replace('disk = "passthrough";', 'disk = "64GB";');
  const errs = await validateNixFile(path, typo);
  assert.deepEqual(errs.map((d) => [d.severity, d.code, d.data?.replacement]), [['error', 'nix-disk', '"64G"']]);
});

test('talos-cluster: keys the CUE schema defaults are not required; a wrong value still errors, with or without the repository schema', async () => {
  for (const folder of ['2026-01-01-bc05b486', '2026-01-23-c999e057']) {
    const path = nodePath.join(era('talos-cluster', folder), 'cluster.yaml');
    const text = await readFile(path, 'utf8');
    const service = createLanguageService(nodeFileSource());
    assert.deepEqual(await service.validate(path, text), [], folder);
    const wrong = text.replace(/^node_cidr: .*$/m, 'node_cidr: "10.10.10.0"');
    assert.notEqual(wrong, text);
    const diags = await service.validate(path, wrong);
    assert.deepEqual(diags.map((d) => [d.severity, d.code]), [['error', 'invalid-format']], folder);
  }
});

test('hosts.nix of February 2026: virtiofs as one attribute set (the module read pve.virtiofs.mapping) is accepted; a string is not', async () => {
  const path = nodePath.join(era('nixosconfig', '2026-02-25-583fde0a'), 'hosts.nix');
  const real = await readFile(path, 'utf8');
  assert.deepEqual(await validateNixFile(path, real), []);
  const wrong = real.replace(/virtiofs = \{\s*mapping = "containers";\s*\};/, 'virtiofs = "containers";');
  assert.notEqual(wrong, real);
  const diags = await validateNixFile(path, wrong);
  assert.deepEqual(diags.map((d) => [d.severity, d.code]), [['error', 'nix-type']]);
  assert.match(diags[0].message, /virtiofs must be a list or an attribute set/);
});

test('converting a January 2026 v1 manifest in today\'s site-config names today\'s presets and validates clean', async () => {
  const v1 = await readFile(nodePath.join(era('site-config', '2026-01-31-e24a520'), 'manifests/n2-quick.yaml'), 'utf8');
  const path = nodePath.join(era('site-config', '2026-03-22-541f95a'), 'manifests/n2-quick.yaml');
  const service = createLanguageService(overlayFiles({ [path]: v1 }));
  const diags = await service.validate(path, v1);
  const v1Warning = diags.find((d) => d.code === 'manifest-v1');
  assert.ok(v1Warning, JSON.stringify(diags));
  const convert = (await service.codeFixes(path, v1, v1Warning.range, diags)).find((f) => /schema_version 2/.test(f.title));
  assert.ok(convert);
  const v2 = applyEdits(v1, convert.edits);
  // v1 `vm_preset: large` read vms/presets/large.yaml; today the same size is presets/vm-large.yaml.
  assert.match(v2, /preset: vm-large/);
  assert.match(v2, /preset: vm-medium/);
  const after = createLanguageService(overlayFiles({ [path]: v2 }));
  assert.deepEqual((await after.validate(path, v2)).filter((d) => d.severity === 'error'), []);
});
