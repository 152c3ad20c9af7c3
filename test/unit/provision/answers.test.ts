/** Each step's check says what is wrong and how to fix it; read-only, declared and live VMIDs are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAnswers,
  checkCiUser,
  checkDisk,
  checkName,
  checkNameservers,
  checkVmid,
  parseIpConfig,
  parsePublicKeys,
  parseSize,
  suggestVmid,
  type ProvisionAnswers,
} from '../../../src/core/provision/answers';
import { takenIds } from '../../../src/core/provision/taken';
import { templateFacts } from '../../../src/core/provision/template';
import type { DeclaredGuest } from '../../../src/core/iac/types';

const range = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 9 } });
const declared: DeclaredGuest[] = [
  { name: 'sandbox', vmid: 111, format: 'hosts-nix', file: '/ws/nixos-fleet/hosts.nix', range: range(277), readonly: false },
  { name: 'igpu', vmid: 109, format: 'hosts-nix', file: '/ws/nixos-fleet/hosts.nix', range: range(153), readonly: true, readonlySource: 'hosts.nix:217' },
  { name: 'legacy', vmid: 300, format: 'vm-definitions-nix', file: '/ws/nixos-fleet/vms/definitions.nix', range: range(10), readonly: true, readonlySource: 'definitions.nix:12 (imported)' },
  { name: 'edge', vmid: 99021, format: 'manifest', file: '/ws/site-config/manifests/n2-push.yaml', range: range(15), readonly: false },
];
const taken = takenIds({
  live: [
    { vmid: 104, name: 'Doc1', node: 'prom' },
    { vmid: 110, name: 'dev', node: 'prom' },
    { vmid: 9003, name: 'nixos-template', node: 'prom' },
  ],
  declared,
  readonlyVmids: [151],
  ranges: [[100, 199]],
});

test('name: DNS-label pattern, unique in the cluster and in the IaC files', () => {
  assert.equal(checkName('web-1', taken), undefined);
  assert.match(checkName('Web-1', taken)!, /not a valid name.*lower-case/);
  assert.match(checkName('1web', taken)!, /starting with a letter/);
  assert.match(checkName('web_1', taken)!, /not a valid name/);
  assert.match(checkName('', taken)!, /Enter a name/);
  assert.match(checkName('a'.repeat(64), taken)!, /at most 63/);
  assert.match(checkName('dev', taken)!, /already used by VM 110 on node prom/);
  assert.match(checkName('sandbox', taken)!, /already used by hosts\.nix:278 \("sandbox"\)/);
});

test('VMID: used live, declared, read-only (hosts.nix readonly, definitions.nix imported, the setting) and out of range are refused', () => {
  assert.equal(checkVmid(120, taken), undefined);
  assert.match(checkVmid(104, taken)!, /already used by "Doc1" on node prom/);
  assert.match(checkVmid(111, taken)!, /already declared in hosts\.nix:278/);
  assert.match(checkVmid(109, taken)!, /read-only \(declared read-only in hosts\.nix:217\)/);
  assert.match(checkVmid(300, taken)!, /read-only .*definitions\.nix:12 \(imported\)/);
  assert.match(checkVmid(151, taken)!, /read-only \(the setting proxmoxIac\.readonlyVmids\)/);
  assert.match(checkVmid(250, taken)!, /outside the allowed ranges \(100–199/);
  assert.match(checkVmid(99, taken)!, /from 100 to 999999999/);
});

test('the suggested VMID: nextid when free and allowed, else the lowest free one in the ranges', () => {
  assert.equal(suggestVmid(taken, 105), 105);
  assert.equal(suggestVmid(taken, 104), 100);
  assert.equal(suggestVmid(taken, 500), 100);
  const full = takenIds({ live: Array.from({ length: 3 }, (_, i) => ({ vmid: 100 + i, name: `g${i}`, node: 'n' })), ranges: [[100, 102]] });
  assert.equal(suggestVmid(full, undefined), undefined);
  assert.equal(suggestVmid(takenIds({ live: [{ vmid: 100, name: 'a', node: 'n' }] }), undefined), 101);
});

test('size: cores, memory and a disk that can only grow', () => {
  assert.deepEqual(parseSize('2 2048 32'), { cores: 2, memory: 2048, diskGiB: 32 });
  assert.deepEqual(parseSize('cores=4, memory=8192, disk=64G'), { cores: 4, memory: 8192, diskGiB: 64 });
  assert.match(parseSize('2 2048') as string, /separated by spaces/);
  assert.match(parseSize('0 2048 32') as string, /Cores must be/);
  assert.match(parseSize('2 8 32') as string, /at least 16/);
  assert.match(checkDisk(10, 16)!, /disks cannot shrink: enter 16 or more/);
  assert.equal(checkDisk(16, 16), undefined);
});

test('cloud-init: user name, network, DNS and SSH keys', () => {
  assert.equal(checkCiUser('debian'), undefined);
  assert.equal(checkCiUser(''), undefined);
  assert.match(checkCiUser('Root User')!, /not a valid Linux user name/);
  assert.deepEqual(parseIpConfig('dhcp'), { dhcp: true });
  assert.deepEqual(parseIpConfig(''), { dhcp: true });
  assert.deepEqual(parseIpConfig('ip=192.168.1.50/24,gw=192.168.1.1'), { cidr: '192.168.1.50/24', gw: '192.168.1.1' });
  assert.deepEqual(parseIpConfig('10.0.0.5/24 10.0.0.1'), { cidr: '10.0.0.5/24', gw: '10.0.0.1' });
  assert.deepEqual(parseIpConfig('ip=2001:db8::5/64'), { cidr: '2001:db8::5/64' });
  assert.match(parseIpConfig('ip=192.168.1.50') as string, /prefix length \(CIDR\)/);
  assert.match(parseIpConfig('ip=192.168.1.300/24') as string, /not an address/);
  assert.match(parseIpConfig('ip=192.168.1.5/33') as string, /not an address/);
  assert.match(parseIpConfig('ip=192.168.1.5/24,gw=2001:db8::1') as string, /same family/);
  assert.equal(checkNameservers('1.1.1.1 9.9.9.9'), undefined);
  assert.match(checkNameservers('1.1.1.1 dns.google')!, /"dns\.google" is not an IP address/);
  const k = parsePublicKeys('# mine\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDGR7mbMKs8alVN4K1ynvqT5K3KcXdeqlV77QQS0K1qy me@x\n\nnot a key\necdsa-sha2-nistp256 AAAAE2VjZHNh= y\n');
  assert.equal(k.keys.length, 2);
  assert.deepEqual(k.bad, ['not a key']);
});

test('the command path checks a whole set of answers at once', () => {
  const a: ProvisionAnswers = { template: { node: 'prom', vmid: 9003 }, node: 'prom', name: 'Dev', vmid: 151, full: false, storage: 'nvmeprom', diskGiB: 8, cloudInit: { ip: { dhcp: true }, sshKeys: ['nope'] } };
  const problems = checkAnswers(a, taken, 16);
  assert.equal(problems.length, 5, problems.join('\n'));
  assert.ok(problems.some((p) => /linked clone stays on the template's storage/.test(p)));
});

test('template facts from real PVE 9 configs', () => {
  // samples/qemu-config-cloudinit-pve9.json (a real VM's config).
  const f = templateFacts({ boot: 'order=scsi0', scsi0: 'local-zfs:vm-111-disk-1,discard=on,size=160G,ssd=1', scsi1: 'local-zfs:vm-111-cloudinit,media=cdrom', efidisk0: 'local-zfs:vm-111-disk-0,efitype=4m,size=1M', agent: '1' });
  assert.deepEqual(f, { agent: true, cloudInit: true, bootDisk: 'scsi0', diskGiB: 160 });
  assert.equal(templateFacts({ agent: 'enabled=0,fstrim_cloned_disks=1', virtio0: 'x:vm-1-disk-0,size=512M' }).agent, false);
  assert.deepEqual(templateFacts({ virtio0: 'x:vm-1-disk-0,size=512M', ide2: 'none,media=cdrom' }), { agent: false, cloudInit: false, bootDisk: 'virtio0', diskGiB: 0.5 });
});
