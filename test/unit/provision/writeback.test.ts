/**
 * Write-back edits on copies of the real example files: the new node / host is added, everything else
 * (comments, blank lines, quoting) is kept byte for byte, and the validator finds no error in the result.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addHostEdit } from '../../../src/core/iac/nix/edit';
import { resolveNixBin, validateNixFile } from '../../../src/core/iac/nix/index';
import { addManifestNode, addManifestNodeEdit, manifestNodeNames } from '../../../src/core/provision/writeback/manifest';
import { applyEdit } from '../../../src/core/provision/writeback/textEdit';
import { addTalosNode, existingSchematicId } from '../../../src/core/provision/writeback/talos';
import { macFromNet0 } from '../../../src/core/provision/template';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';

const EXAMPLES = join(__dirname, '../../fixtures/examples');
const REAL_SITE = join(__dirname, '../../fixtures/real/site-config/2026-03-22-541f95a');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-writeback-'));
  cpSync(join(EXAMPLES, 'site-config'), join(dir, 'site-config'), { recursive: true });
  cpSync(join(EXAMPLES, 'nixos-fleet'), join(dir, 'nixos-fleet'), { recursive: true });
  cpSync(REAL_SITE, join(dir, 'real-site'), { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function errorsOf(path: string, text: string, severities: readonly string[] = ['error']): Promise<string[]> {
  writeFileSync(path, text);
  const service = createLanguageService(nodeFileSource(), { workspaceRoots: [dir] });
  return (await service.validate(path, text)).filter((d) => severities.includes(d.severity)).map((d) => `${d.range.start.line + 1}: ${d.message}`);
}

for (const [label, rel] of [
  ['the example n2-push', 'site-config/manifests/n2-push.yaml'],
  ['the example n2-pull (per-node execution block)', 'site-config/manifests/n2-pull.yaml'],
  ['the real site-config at 541f95a', 'real-site/manifests/n2-push.yaml'],
] as const) {
  test(`manifest: a node under a parent in ${label} is added after the others and validates`, async () => {
    const path = join(dir, rel);
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(manifestNodeNames(text), ['root-pve', 'edge']);
    const out = addManifestNode(text, { name: 'web-1', preset: 'vm-medium', spec: 'base', image: 'debian-12', vmid: 99031, parent: 'root-pve' });
    assert.ok(out.startsWith(text.trimEnd()), 'everything before the new node is kept');
    assert.ok(out.endsWith('\n\n  - name: web-1\n    type: vm\n    spec: base\n    preset: vm-medium\n    image: debian-12\n    vmid: 99031\n    parent: root-pve\n'), out);
    assert.deepEqual(await errorsOf(path, out), []);
    writeFileSync(path, text);
  });
}

test('manifest: comments, quoting and a flow list survive; the edit is one insertion', async () => {
  const path = join(dir, 'site-config/manifests/n1-push.yaml');
  const real = readFileSync(path, 'utf8');
  const text = real.replace('nodes:\n', '# Test manifests: one VM.\nnodes:  # the graph\n').replace('    vmid: 99001\n', "    vmid: 99001   # fixed id\n    # end of edge\n");
  const edit = addManifestNodeEdit(text, { name: 'web-1', image: 'debian-12', vmid: 99032, disk: 20 });
  assert.deepEqual(edit.range.start, edit.range.end, 'nothing of the file is replaced');
  const out = applyEdit(text, edit);
  for (const keep of ['# Test manifests: one VM.', 'nodes:  # the graph', 'vmid: 99001   # fixed id', '# end of edge', 'description: "1-level Test VM"']) assert.ok(out.includes(keep), `lost: ${keep}`);
  assert.match(out, /- name: web-1\n {4}type: vm\n {4}image: debian-12\n {4}vmid: 99032\n {4}disk: 20\n$/);
  assert.deepEqual(await errorsOf(path, out), []);
  writeFileSync(path, real);
});

test('manifest: refusals name the problem', () => {
  const text = readFileSync(join(EXAMPLES, 'site-config/manifests/n2-push.yaml'), 'utf8');
  assert.throws(() => addManifestNode(text, { name: 'edge', vmid: 99040 }), /already has a node named "edge"/);
  assert.throws(() => addManifestNode(text, { name: 'x', vmid: 99040, parent: 'nope' }), /no node "nope" to be the parent/);
  assert.throws(() => addManifestNode('schema_version: 1\nlevels: []\n', { name: 'x', vmid: 99040 }), /no `nodes:` list/);
  assert.throws(() => addManifestNode('nodes: [\n', { name: 'x', vmid: 99040 }), /YAML errors/);
});

test('hosts.nix: a proxmox block for the new host keeps every comment and evaluates without errors', async () => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs`.');
  const path = join(dir, 'nixos-fleet/hosts.nix');
  const text = readFileSync(path, 'utf8');
  const out = applyEdit(text, addHostEdit(text, { name: 'web-1', vmid: 130, cores: 2, memory: 2048, disk: '32G', storage: 'nvmeprom' }));
  for (const line of text.split('\n')) assert.ok(out.includes(line), `lost line: ${line}`);
  assert.match(out, /\n {2}web-1 = \{\n {4}hostname = "web-1";\n {4}proxmox = \{\n {6}vmid = 130;\n {6}cores = 2;\n {6}memory = 2048;\n {6}disk = "32G";\n {6}storage = "nvmeprom";\n {4}\};\n {2}\};\n\}\n$/);
  writeFileSync(path, out);
  assert.deepEqual((await validateNixFile(path, out)).filter((d) => d.severity === 'error'), []);
});

test('talos nodes.yaml: the sample’s empty list takes the node where `[]` was, later nodes follow, every comment stays, and it validates', async () => {
  cpSync(join(EXAMPLES, 'talos-cluster'), join(dir, 'talos-cluster'), { recursive: true });
  const path = join(dir, 'talos-cluster/nodes.sample.yaml');
  const text = readFileSync(path, 'utf8');
  const node = { name: 'k8s-w-1', address: '192.168.1.50', controller: false, disk: '/dev/sda', macAddr: macFromNet0('virtio=BC:24:11:00:02:D0,bridge=vmbr0')!, schematicId: 'a1b2c3d4e5f6789012345678901234567890123456789012345678901234abcd', vmId: 720, vmCores: 4, vmMemory: 8192, vmDiskSize: 64 };
  assert.equal(node.macAddr, 'bc:24:11:00:02:d0');
  const one = addTalosNode(text, node);
  assert.equal(existingSchematicId(one), node.schematicId);
  const two = addTalosNode(one, { ...node, name: 'k8s-w-2', address: '192.168.1.51', macAddr: 'bc:24:11:00:02:d1', vmId: 721 });
  for (const line of text.split('\n').filter((l) => l.trim() && l.trim() !== '[]')) assert.ok(two.includes(line), `lost line: ${line}`);
  assert.match(two, /^nodes:\n {2}- name: k8s-w-1\n {4}address: 192\.168\.1\.50\n {4}controller: false\n/m);
  assert.match(two, /\n {2}- name: k8s-w-2\n {4}address: 192\.168\.1\.51\n/);
  assert.deepEqual(await errorsOf(path, two, ['error', 'warning']), []);
  assert.throws(() => addTalosNode(two, node), /already has a node named "k8s-w-1"/);
  // The validator does look at the entries: an upper-case MAC is reported.
  assert.match((await errorsOf(path, addTalosNode(text, { ...node, macAddr: 'BC:24:11:00:02:D0' }), ['error', 'warning'])).join(), /mac_addr/);
  writeFileSync(path, text);
});
