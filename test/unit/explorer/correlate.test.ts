import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correlate, readonlyMessage, readonlyReason } from '../../../src/core/explorer';
import { declared, guest } from './fixtures';

test('VMID wins over name: a declaration with a VMID never matches by name', () => {
  const guests = [guest(100, { name: 'web' }), guest(101, { name: 'db' })];
  const c = correlate(guests, [declared('web', { vmid: 101 })]);
  assert.deepEqual([...c.declaredBy.keys()], ['qemu/101']);
  assert.deepEqual(c.unmanaged.map((g) => g.vmid), [100]);
  assert.deepEqual(c.missing, []);
});

test('a declaration without VMID matches by name', () => {
  const c = correlate([guest(100, { name: 'web' })], [declared('web')]);
  assert.deepEqual([...c.declaredBy.keys()], ['qemu/100']);
  assert.deepEqual(c.unmanaged, []);
});

test('declared but absent guests are missing', () => {
  const c = correlate([guest(100)], [declared('ghost', { vmid: 555 }), declared('phantom')]);
  assert.deepEqual(c.missing.map((d) => d.name), ['ghost', 'phantom']);
  assert.deepEqual(c.unmanaged.map((g) => g.vmid), [100]);
});

test('read-only comes from the IaC file first, then from the setting, and the message names where', () => {
  const d = [declared('web', { vmid: 101, readonly: true, readonlySource: 'hosts.nix:42' })];
  assert.deepEqual(readonlyReason(101, d, []), { source: 'hosts.nix:42' });
  assert.deepEqual(readonlyReason(102, undefined, [102]), { source: 'the setting proxmoxIac.readonlyVmids' });
  assert.equal(readonlyReason(103, undefined, [102]), undefined);
  const msg = readonlyMessage({ vmid: 101, name: 'web' }, 'Stop', { source: 'hosts.nix:42' });
  assert.match(msg, /web \(VMID 101\) is read-only \(set in hosts\.nix:42\)/);
});
