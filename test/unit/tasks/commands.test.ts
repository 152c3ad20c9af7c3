import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectWorkspaces } from '../../../src/core/tasks/kinds';
import { manifestSubtree } from '../../../src/core/tasks/manifestSubtree';
import { actionsFor, appOf, DEFAULT_TEMPLATES, expandTemplate, templateFor } from '../../../src/core/tasks/templates';
import { vmResourceTargets } from '../../../src/core/tasks/terraformTargets';
import { findProgram, lookupTool, missingToolMessage } from '../../../src/core/tasks/tools';

test('detects each workspace kind in its sub-folder, several in one folder, and skips tool caches', () => {
  const found = detectWorkspaces([
    'site-config/site.yaml.example',
    'site-config/manifests/n1-push.yaml',
    'site-config/manifests/n2-push.yml',
    'site-config/nodes/father.yaml',
    'site-config/nodes/mother.yaml',
    'infra/main.tf',
    'infra/.terraform/modules/x/main.tf',
    'fleet/flake.nix',
    'fleet/hosts.nix',
    'fleet/generated.tofu',
    'talos/Taskfile.yml',
    'node_modules/x/main.tf',
    'only-flake/flake.nix',
  ]);
  assert.deepEqual(found, [
    { kind: 'tofu', dir: 'fleet' },
    { kind: 'terranix', dir: 'fleet' },
    { kind: 'tofu', dir: 'infra' },
    { kind: 'iac-driver', dir: 'site-config', manifests: ['n1-push', 'n2-push'], nodes: ['father', 'mother'] },
    { kind: 'taskfile', dir: 'talos' },
  ]);
});

test('a site-config without manifests offers no iac-driver tasks; a root folder has dir ""', () => {
  assert.deepEqual(detectWorkspaces(['site.yaml', 'nodes/pve.yaml']), []);
  assert.deepEqual(detectWorkspaces(['main.tf']), [{ kind: 'tofu', dir: '' }]);
});

test('templates: an argument whose placeholder has no value is left out, never an empty argument', () => {
  const plan = DEFAULT_TEMPLATES.tofu.plan!;
  assert.deepEqual(expandTemplate(plan, { tool: '/usr/bin/tofu', planFile: 'p.tfplan' }), ['/usr/bin/tofu', 'plan', '-input=false', '-out=p.tfplan']);
  assert.deepEqual(expandTemplate(plan, { tool: 'tofu', planFile: 'p', target: 'terraform_data.vm' }), ['tofu', 'plan', '-input=false', '-out=p', '-target=terraform_data.vm']);
  // A value is one argument whatever it holds: nothing splits or interprets it.
  assert.deepEqual(expandTemplate(['${tool}', '--host=${host}'], { tool: 't', host: 'a b;c' }), ['t', '--host=a b;c']);
});

test('destructive templates skip the tool\'s own prompt only once the user confirmed in the editor', () => {
  const destroy = DEFAULT_TEMPLATES['iac-driver'].destroy!;
  const values = { tool: './run.sh', manifest: 'n2-quick', host: 'father' };
  assert.deepEqual(expandTemplate(destroy, values), ['./run.sh', 'destroy', '--manifest=n2-quick', '--host=father']);
  assert.deepEqual(expandTemplate(destroy, { ...values, confirmed: '' }), ['./run.sh', 'destroy', '--manifest=n2-quick', '--host=father', '--yes']);
  assert.deepEqual(expandTemplate(DEFAULT_TEMPLATES.tofu.destroy!, { tool: 'tofu', confirmed: '' }), ['tofu', 'destroy', '-auto-approve']);
});

test('the seeds\' command lines: iac-driver plan is create --dry-run; Terranix runs the flake apps; Taskfile runs infra:*', () => {
  assert.deepEqual(expandTemplate(templateFor('iac-driver', 'plan')!, { tool: './run.sh', manifest: 'n2-quick', host: 'father' }), ['./run.sh', 'create', '--manifest=n2-quick', '--host=father', '--dry-run']);
  // Without names read from the flake, seed 000's apps.
  assert.deepEqual(expandTemplate(templateFor('terranix', 'plan')!, { tool: 'nix', app: appOf('terranix', 'plan') }), ['nix', 'run', '.#tofu-plan']);
  assert.deepEqual(expandTemplate(templateFor('terranix', 'plan')!, { tool: 'nix', app: appOf('terranix', 'plan'), target: 'a.b' }), ['nix', 'run', '.#tofu-plan', '--', '-target=a.b']);
  assert.deepEqual(expandTemplate(templateFor('terranix', 'build-template')!, { tool: 'nix' }), ['nix', 'build', '.#proxmox-template']);
  assert.deepEqual(expandTemplate(templateFor('taskfile', 'force-unlock')!, { tool: 'task', lockId: 'abc-123' }), ['task', 'infra:force-unlock', 'LOCK_ID=abc-123']);
});

test('a setting overrides a template and can add an action; malformed overrides are ignored', () => {
  const overrides = { 'terranix.plan': ['${tool}', 'run', '.#plan'], 'taskfile.test': ['${tool}', 'infra:fmt-check'], 'tofu.plan': 'tofu plan' };
  assert.deepEqual(templateFor('terranix', 'plan', overrides), ['${tool}', 'run', '.#plan']);
  assert.deepEqual(templateFor('tofu', 'plan', overrides), DEFAULT_TEMPLATES.tofu.plan);
  assert.ok(actionsFor('taskfile', overrides).includes('test'));
  assert.ok(!actionsFor('taskfile').includes('test'));
});

test('tools: tofu before terraform on PATH, a setting wins, iac-driver is the sibling checkout', () => {
  const present = new Set(['/usr/bin/terraform', '/opt/tofu/bin/tofu', '/work/iac-driver/run.sh']);
  const exists = (p: string) => present.has(p);
  assert.equal(lookupTool('tofu', '/w/infra', {}, '/usr/bin', exists).path, '/usr/bin/terraform');
  assert.equal(lookupTool('tofu', '/w/infra', {}, '/opt/tofu/bin:/usr/bin', exists).path, '/opt/tofu/bin/tofu');
  assert.equal(lookupTool('tofu', '/w/infra', { tofu: '/usr/bin/terraform' }, '/opt/tofu/bin', exists).path, '/usr/bin/terraform');
  assert.equal(lookupTool('iac-driver', '/work/site-config', {}, '', exists).path, '/work/iac-driver/run.sh');
  assert.equal(lookupTool('iac-driver', '/work/site-config', { iacDriver: '/elsewhere' }, '', exists).path, undefined);
  assert.equal(findProgram(['nix'], '', exists), undefined);
});

test('a missing tool is one sentence that names what to install and the setting', () => {
  const missing = lookupTool('tofu', '/w', {}, '/nowhere', () => false);
  const message = missingToolMessage('tofu', missing);
  assert.match(message, /^Neither `tofu` nor `terraform` was found on PATH: install OpenTofu/);
  assert.match(message, /Tofu Path/);
  assert.equal(message.split('. ').length, 1, 'one sentence');
  assert.match(missingToolMessage('tofu', lookupTool('tofu', '/w', { tofu: '/opt/tofu' }, '', () => false)), /^`\/opt\/tofu` was not found: install OpenTofu/);
  assert.match(missingToolMessage('iac-driver', lookupTool('iac-driver', '/w/site-config', {}, '', () => false)), /No iac-driver checkout was found at \/w\/iac-driver\/run\.sh/);
  assert.match(missingToolMessage('taskfile', lookupTool('taskfile', '/w', {}, '', () => false)), /install Task/);
  assert.match(missingToolMessage('terranix', lookupTool('terranix', '/w', {}, '', () => false)), /install Nix/);
});

test('"Plan this node" cuts the manifest down to the node and the nodes under it, the node made a root', () => {
  const text = ['schema_version: 2', 'name: n2', 'nodes:', '  - name: leaf', '    parent: edge', '  - name: root-pve', '    type: pve', '  - name: edge', '    parent: root-pve', '  - name: other', '    parent: root-pve', ''].join('\n');
  const cut = manifestSubtree(text, 'edge')!;
  assert.equal(cut.name, 'n2-edge');
  assert.deepEqual(cut.nodes, [{ name: 'leaf', parent: 'edge' }, { name: 'edge' }]);
  assert.equal(manifestSubtree(text, 'nope'), undefined);
  assert.equal(manifestSubtree(text, 'a;id'), undefined);
  assert.equal(manifestSubtree('nodes: [', 'edge'), undefined);
});

test('"Plan this VM" targets bpg and Telmate VM resources only, by line', () => {
  const tf = ['resource "proxmox_virtual_environment_vm" "web" {', '}', 'resource "terraform_data" "x" {}', '  resource "proxmox_vm_qemu" "db" {', '}'].join('\n');
  assert.deepEqual(vmResourceTargets(tf), [
    { address: 'proxmox_virtual_environment_vm.web', line: 0 },
    { address: 'proxmox_vm_qemu.db', line: 3 },
  ]);
});
