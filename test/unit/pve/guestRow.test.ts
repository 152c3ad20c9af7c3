import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { GuestFields } from '../../../src/core/pve/guestRow';
import type { Guest } from '../../../src/core/pve/types';

/** One answer's guests, read as the `/cluster/resources` reader reads them; every text is a new string. */
function read(count: number, cpu: number, prefix = 'bench-guest'): Guest[] {
  const fields = new GuestFields();
  const out: Guest[] = [];
  for (let i = 0; i < count; i++) {
    fields.reset();
    fields.set('type', i % 5 === 4 ? 'lxc' : 'qemu');
    fields.set('vmid', 700_000 + i);
    fields.set('name', `${prefix}-${700_000 + i}`.slice(0));
    fields.set('node', `pve${i % 8}`);
    fields.set('status', 'running');
    fields.set('cpu', cpu);
    out.push(fields.guest());
  }
  return out;
}

test('a refresh that finds the same guests keeps their id and name strings instead of making new ones', () => {
  // Every object a refresh keeps is copied by the extension host's next young-generation collections: at
  // 20,000 guests, new copies of the same ids and names were ~1.3 MB more to copy on every refresh.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heap = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const first = read(20_000, 0.1);
  // The control: every guest renamed (new name strings, as without the reuse), the caches already full.
  const h0 = heap();
  const renamed = read(20_000, 0.2, 'renamed-guest');
  const h1 = heap();
  const same = read(20_000, 0.3, 'renamed-guest');
  const h2 = heap();
  assert.deepEqual(
    same.map((g) => [g.id, g.name]),
    renamed.map((g) => [g.id, g.name]),
  );
  assert.equal(first[3].name, 'bench-guest-700003');
  assert.equal(same[3].cpu, 0.3);
  const renamedBytes = h1 - h0;
  const sameBytes = h2 - h1;
  assert.ok(sameBytes < renamedBytes - 20_000 * 60, `the unchanged answer kept ${sameBytes} bytes, the renamed one ${renamedBytes}`);
});

test('a renamed or moved guest gets its new name, and ids stay per type', () => {
  const fields = new GuestFields();
  const one = (type: string, node: string, name: string): Guest => {
    fields.reset();
    fields.set('type', type);
    fields.set('vmid', 800_001);
    fields.set('node', node);
    fields.set('name', name);
    return fields.guest();
  };
  assert.equal(one('qemu', 'pve1', 'old-name').name, 'old-name');
  assert.equal(one('qemu', 'pve1', 'new-name').name, 'new-name');
  assert.equal(one('qemu', 'pve2', 'other').name, 'other');
  assert.equal(one('qemu', 'pve1', 'new-name').name, 'new-name');
  assert.equal(one('lxc', 'pve1', 'new-name').id, 'lxc/800001');
  assert.equal(one('qemu', 'pve1', '').name, '');
});
