import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeName, isSafeResourceAddress, unsafeNameReason } from '../../../src/core/tasks/names';

test('plain manifest, node and host names pass', () => {
  for (const name of ['n2-push', 'edge', 'root-pve', 'father', 'dev_1', 'pve.lan', '9003']) assert.ok(isSafeName(name), name);
});

test('hostile and option-like names fail, each with a reason', () => {
  const hostile = ['a;touch${IFS}x', 'n$(touch x)', '`id`', 'a b', 'a|b', 'a&&b', "a'b", 'a"b', '--yes', '-auto-approve', '.hidden', '', 'x'.repeat(129), 'a\nb', 'a/b', '../x'];
  for (const name of hostile) {
    assert.equal(isSafeName(name), false, JSON.stringify(name));
    assert.ok(unsafeNameReason(name), JSON.stringify(name));
  }
  assert.match(unsafeNameReason('--yes')!, /option/);
});

test('resource addresses for -target: plain, indexed and in modules pass; anything shell-like fails', () => {
  for (const a of ['terraform_data.vm', 'proxmox_virtual_environment_vm.web', 'module.vms.proxmox_vm_qemu.db[0]', 'proxmox_vm_qemu.x["dev"]', 'module.a["k"].b.c']) {
    assert.ok(isSafeResourceAddress(a), a);
  }
  for (const a of ['vm', 'a.b;id', 'a.b $(id)', 'a.b["x;y"]', '-destroy', 'a.b[0] c.d']) assert.equal(isSafeResourceAddress(a), false, a);
});
