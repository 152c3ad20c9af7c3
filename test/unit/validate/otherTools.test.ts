/**
 * Files of other tools that share a name with ours: no diagnostic unless the file really is ours. The shapes are
 * those a sweep of public repositories found raising false errors (named in each test); a control in each test
 * shows that our own files of the same name are still checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodePath from 'node:path';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { overlayFiles } from './helpers';

const REAL = nodePath.resolve(__dirname, '../../fixtures/real');

test('same-named files of other tools are left alone (Kubernetes manifests/, Ansible hosts/, any cluster.yaml)', async () => {
  const service = createLanguageService(nodeFileSource());
  const k8s = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';
  assert.deepEqual(await service.validate('/tmp/other/manifests/web.yaml', k8s), []);
  assert.deepEqual(await service.validate('/tmp/other/hosts/web1.yaml', 'ansible_host: 10.0.0.5\n'), []);
  assert.deepEqual(await service.validate('/tmp/other/cluster.yaml', 'clusterName: x\nreplicas: 3\n'), []);
  // …but a talos-cluster cluster.yaml is checked.
  const talos = await service.validate('/tmp/other/cluster.yaml', 'node_cidr: "10.0.0.0/24"\nproxmox_api_url: ftp://x\n');
  assert.ok(talos.some((d) => d.code === 'invalid-format' && /proxmox_api_url/.test(d.message)));
  assert.ok(talos.some((d) => d.code === 'missing-key'));
});

test('a site.yaml or a manifest that is a list is another tool\'s file: an Ansible playbook, a JSON patch', async () => {
  // Bisa/kubeadmin-ansible-lab's site.yaml is an Ansible playbook; a list under manifests/ is a patch.
  const dir = '/tmp/other-ansible';
  const playbook = '---\n- import_playbook: controllers.yaml\n- import_playbook: workers.yaml\n';
  const patch = '- op: replace\n  path: /spec/replicas\n  value: 3\n';
  const service = createLanguageService(overlayFiles({ [`${dir}/site.yaml`]: playbook }));
  assert.deepEqual(await service.validate(`${dir}/site.yaml`, playbook), []);
  assert.deepEqual(await service.validate(`${dir}/manifests/patch.yaml`, patch), []);
  // A mapping without site-config's one top-level key is another tool's too (a static site's settings)…
  assert.deepEqual(await service.validate(`${dir}/site.yaml`, 'title: My notes\ntheme: paper\n'), []);
  // …while a misspelling of that key is still the error it was: iac-driver would lose every default under it.
  const typo = await service.validate(`${dir}/site.yaml`, 'defualts:\n  timezone: UTC\n');
  assert.deepEqual(typo.map((d) => [d.severity, d.code, d.data?.replacement]), [['error', 'unknown-key', 'defaults']], JSON.stringify(typo));
  // Control: where the site-config's own defs/ schema describes manifests, a list there is the author's error.
  const site = nodePath.join(REAL, 'site-config/2026-03-22-541f95a');
  const own = await createLanguageService(nodeFileSource()).validate(nodePath.join(site, 'manifests/patch.yaml'), patch);
  assert.deepEqual(own.map((d) => [d.severity, d.code]), [['error', 'wrong-type']], JSON.stringify(own));
});

test('inside a site-config, a site.yaml without defaults and a node file that is a list are still checked', async () => {
  const site = nodePath.join(REAL, 'site-config/2026-01-04-61f6367');
  const flat = 'timezone: UTC\ndomain: home.arpa\n';
  const service = createLanguageService(overlayFiles({ [nodePath.join(site, 'site.yaml')]: flat }));
  const top = await service.validate(nodePath.join(site, 'site.yaml'), flat);
  assert.deepEqual(top.map((d) => d.code), ['unknown-key', 'unknown-key'], JSON.stringify(top));
  const list = await service.validate(nodePath.join(site, 'nodes/pve.yaml'), '- pve\n');
  assert.deepEqual(list.map((d) => [d.severity, d.code]), [['error', 'wrong-type']], JSON.stringify(list));
});

test("a nodes.yaml whose nodes are not talos-cluster's (a yq script's, a tofu module's) gets no diagnostic", async () => {
  const service = createLanguageService(nodeFileSource());
  // Alphaegen/talos-kubernetes-homelab: read by its apply.sh with yq.
  const yq = 'cluster_name: "home-cluster"\nendpoint: "https://192.168.3.100:6443"\nnodes:\n  - hostname: rpi-cp-1\n    ip: 192.168.3.101\n    role: controlplane\n';
  assert.deepEqual(await service.validate('/tmp/other-talos/nodes.yaml', yq), []);
  // dmuiX/k8s-cluster-talos: read by its tofu module with yamldecode().
  const tofu = 'nodes:\n  - name: "control-node-1"\n    ip: "192.168.1.21"\n    vcpus: 2\n    memory_mib: 4096\n    disk_size_gib: 20\n    role: "controlplane"\n';
  assert.deepEqual(await service.validate('/tmp/other-talos/nodes.yaml', tofu), []);
  // Control: a talos-cluster node missing keys is still an error, by its keys or beside the repository's schema.
  const ours = await service.validate('/tmp/other-talos/nodes.yaml', 'nodes:\n  - name: cp1\n    address: 10.0.0.5\n    controller: true\n');
  assert.deepEqual(ours.filter((d) => d.code === 'missing-key').map((d) => d.severity), ['error', 'error', 'error'], JSON.stringify(ours));
  const beside = nodePath.join(REAL, 'talos-cluster/2026-01-23-c999e057/nodes.yaml');
  const early = await service.validate(beside, 'nodes:\n  - name: cp1\n    address: 10.0.0.5\n');
  assert.ok(early.some((d) => d.severity === 'error' && d.code === 'missing-key'), JSON.stringify(early));
});

test('a sample leaves commented-out keys and sections blank; the same blanks in a real file are errors', async () => {
  const service = createLanguageService(overlayFiles({ '/tmp/other-site/site.yaml': 'defaults: {}\n' }));
  // site-config's secrets.yaml.example with every token commented out; talos-cluster's cluster.sample.yaml
  // whose placeholders are comments.
  const secrets = 'api_tokens:\n  # pve: root@pam!tofu=…\nssh_keys:\n  # admin: ssh-ed25519 …\n';
  const note = await service.validate('/tmp/other-site/secrets.yaml.example', secrets);
  assert.deepEqual(note.map((d) => [d.severity, d.code]), [['information', 'sample-blanks']], JSON.stringify(note));
  assert.match(note[0].message, /leaves 2 values blank \(api_tokens, ssh_keys\): fill them in the secrets\.yaml you make from it/);
  const real = await service.validate('/tmp/other-site/secrets.yaml', secrets);
  assert.deepEqual(real.map((d) => [d.severity, d.code]), [['error', 'empty-value'], ['error', 'empty-value']], JSON.stringify(real));
  const cluster = 'node_cidr: "10.10.10.0/24"\n# cluster_api_addr: ""\n';
  const blanks = await service.validate('/tmp/other-talos/cluster.sample.yaml', cluster);
  assert.deepEqual(blanks.map((d) => [d.severity, d.code]), [['information', 'sample-blanks']], JSON.stringify(blanks));
  assert.ok((await service.validate('/tmp/other-talos/cluster.yaml', cluster)).some((d) => d.severity === 'error' && d.code === 'missing-key'));
});
