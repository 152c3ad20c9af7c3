/**
 * Parameter verification details: real configurations pass, indexed parameters (`net0` for the apidoc's
 * `net[n]`), property strings with default keys and key aliases, and PVE's error texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA } from '../../../src/sim/routes';
import { demoSpec, buildState } from '../../../src/sim/seed';
import { validateParameters, type PveSchema } from '../../../src/sim/validate';

const put = (type: 'qemu' | 'lxc'): PveSchema => SCHEMA[`/nodes/{node}/${type}/{vmid}/config`].PUT.parameters;
const sample = (name: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(__dirname, '../../fixtures/pve-samples', `${name}.json`), 'utf8')) as { data: Record<string, unknown> }).data;

test('a real PVE 9 VM configuration passes PUT config verification (meta is read-only, as on a real server)', () => {
  const params: Record<string, string> = { node: 'pve', vmid: '111' };
  for (const [k, v] of Object.entries(sample('qemu-config-cloudinit-pve9'))) params[k] = String(v);
  assert.deepEqual(validateParameters(put('qemu'), params), { meta: 'property is not defined in schema and the schema does not allow additional properties' });
});

test('every seeded guest configuration would be accepted back by PUT config', () => {
  const state = buildState(demoSpec(), 0);
  for (const g of state.guests.values()) {
    const params: Record<string, string | number> = { node: g.node, vmid: g.vmid, ...g.config };
    delete params.digest;
    assert.deepEqual(validateParameters(put(g.type), params), {}, `${g.type} ${g.vmid}`);
  }
});

test('indexed parameters: net0 … net31 exist, net32 does not', () => {
  const base = { node: 'pve', vmid: '100' };
  assert.deepEqual(validateParameters(put('qemu'), { ...base, net31: 'virtio,bridge=vmbr0' }), {});
  assert.deepEqual(Object.keys(validateParameters(put('qemu'), { ...base, net32: 'virtio,bridge=vmbr0' })), ['net32']);
});

test('property strings: default key, key alias (virtio=MAC), lenient booleans, unknown keys, bad values', () => {
  const base = { node: 'pve', vmid: '100' };
  assert.deepEqual(validateParameters(put('qemu'), { ...base, net0: 'virtio=BC:24:11:4E:8F:D1,bridge=vmbr0,firewall=on' }), {});
  assert.deepEqual(validateParameters(put('qemu'), { ...base, scsi0: 'local-zfs:vm-100-disk-0,discard=on,ssd=1,size=32G' }), {});
  const errors = validateParameters(put('qemu'), { ...base, net1: 'virtio,bridge=vmbr0,speed=fast', scsi1: 'local-zfs:x,discard=maybe', net2: 'virtio=01:00:00:00:00:01' });
  assert.equal(errors.net1, 'invalid format - invalid key in comma-separated list property: speed');
  assert.match(errors.scsi1 ?? '', /discard: value 'maybe' does not have a value in the enumeration 'ignore, on'/);
  assert.match(errors.net2 ?? '', /does not look like a valid unicast MAC address/);
});

test('plain parameters: booleans only 0/1, ranges, enums, list formats, requires', () => {
  const errors = validateParameters(put('qemu'), { node: 'pve', vmid: '100', onboot: 'yes', cores: '0', ostype: 'win99', tags: 'ok;bad!', delete: 'net0,9bad' });
  assert.deepEqual(errors, {
    onboot: "type check ('boolean') failed - got 'yes'",
    cores: 'value must have a minimum value of 1',
    ostype: "value 'win99' does not have a value in the enumeration 'other, wxp, w2k, w2k3, w2k8, wvista, win7, win8, win10, win11, l24, l26, solaris'",
    tags: "invalid format - invalid tag 'bad!'",
    delete: "invalid format - invalid configuration ID '9bad'",
  });
  const ticket = SCHEMA['/access/ticket'].POST.parameters;
  assert.deepEqual(validateParameters(ticket, { username: 'root@pam', password: 'x', path: '/vms' }), { privs: "missing property - 'path' requires this property" });
});
