/** "Provision from hosts.nix host": the host's `proxmox` set and `_proxmox` → the pipeline's answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateNixText, resolveNixBin } from '../../../src/core/iac/nix/index';
import { answersForHost, diskGiBOf, hostsNixHosts, templateForHost } from '../../../src/core/provision/fromHostsNix';
import type { Guest } from '../../../src/core/pve/types';

const guest = (vmid: number, name: string, template = false): Guest => ({ id: `qemu/${vmid}`, type: 'qemu', vmid, name, node: 'prom', status: 'stopped', template, tags: [] }) as unknown as Guest;

const FLEET = {
  _proxmox: { node: 'prom', defaultStorage: 'nvmeprom', templateVmid: 9003 },
  web: { hostname: 'web', proxmox: { vmid: 170, cores: 2, memory: 2048, disk: '32G' } },
  named: { hostname: 'ignored', proxmox: { name: 'shown-name', storage: 'local-lvm', disk: '1T' } },
  imported: { proxmox: { vmid: 104, cloneFromTemplate: false, disk: 'passthrough' } },
  locked: { proxmox: { vmid: 109, readonly: true } },
  bare: { hostname: 'laptop' },
};

test('hosts with a proxmox set, their specs, storage falling back to _proxmox.defaultStorage, and refusals', () => {
  const hosts = hostsNixHosts(FLEET);
  assert.deepEqual(hosts.map((h) => h.key), ['web', 'named', 'imported', 'locked']);
  assert.equal(hosts[0].refused, undefined);
  assert.deepEqual(hosts[0], { key: 'web', name: 'web', vmid: 170, cores: 2, memory: 2048, diskGiB: 32, storage: 'nvmeprom', node: 'prom', templateVmid: 9003 });
  assert.equal(hosts[1].name, 'shown-name');
  assert.equal(hosts[1].storage, 'local-lvm');
  assert.equal(hosts[1].diskGiB, 1024);
  assert.match(hosts[2].refused ?? '', /imported VM \(`cloneFromTemplate = false`\)/);
  assert.equal(hosts[2].diskGiB, undefined, '"passthrough" is no size');
  assert.match(hosts[3].refused ?? '', /read-only in hosts\.nix/);
});

test('disk sizes as the Terranix module writes them', () => {
  assert.deepEqual(['32G', '512M', '1T', '400G', '10', 'passthrough', undefined].map(diskGiBOf), [32, 1, 1024, 400, 1, undefined, undefined]);
});

test('the template is _proxmox.templateVmid on the cluster; the answers clone it onto the fleet node with DHCP', () => {
  const [web] = hostsNixHosts(FLEET);
  const sentence = (r: ReturnType<typeof templateForHost>): string => (typeof r === 'string' ? r : `a template: ${r.vmid}`);
  assert.match(sentence(templateForHost(web, [guest(9002, 'ubuntu', true)])), /no VM 9003/);
  assert.match(sentence(templateForHost(web, [guest(9003, 'nixos', false)])), /not a template/);
  const { templateVmid: _unused, ...noTemplate } = web;
  assert.match(sentence(templateForHost(noTemplate, [])), /no `_proxmox.templateVmid`/);
  const t = templateForHost(web, [guest(9003, 'nixos-template', true)]);
  assert.ok(typeof t !== 'string');
  assert.deepEqual(answersForHost(web, t, 170), {
    template: { node: 'prom', vmid: 9003, name: 'nixos-template' },
    node: 'prom',
    name: 'web',
    vmid: 170,
    cores: 2,
    memory: 2048,
    diskGiB: 32,
    storage: 'nvmeprom',
    full: true,
    cloudInit: { ip: { dhcp: true } },
  });
});

test('the demo fleet evaluated by real Nix: sandbox is provisionable, the imported hosts are refused', { skip: resolveNixBin() ? false : 'nix-instantiate is not installed' }, async () => {
  const file = join(__dirname, '../../fixtures/examples/nixos-fleet/hosts.nix');
  const r = await evaluateNixText(file, readFileSync(file, 'utf8'), { workspaceRoots: [join(__dirname, '../../fixtures/examples')] });
  assert.equal(r.kind, 'ok');
  if (r.kind !== 'ok') return;
  const hosts = hostsNixHosts(r.value);
  const sandbox = hosts.find((h) => h.key === 'sandbox');
  assert.ok(sandbox && !sandbox.refused, JSON.stringify(sandbox));
  assert.equal(sandbox.templateVmid, 9003);
  assert.equal(sandbox.node, 'prom');
  for (const key of ['proxmox-vm', 'igpu']) assert.ok(hosts.find((h) => h.key === key)?.refused, `${key} must be refused`);
});
