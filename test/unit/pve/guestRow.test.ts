import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { GuestFields } from '../../../src/core/pve/guestRow';
import { KnownGuests } from '../../../src/core/pve/knownGuests';
import type { Guest } from '../../../src/core/pve/types';

/**
 * One answer's guests, read as the `/cluster/resources` reader reads them (every text is a new string), with
 * the connection's last answer in `known`.
 */
function read(known: KnownGuests, count: number, cpu: number, prefix = 'bench-guest'): Guest[] {
  const fields = new GuestFields();
  const out: Guest[] = [];
  for (let i = 0; i < count; i++) {
    fields.reset();
    fields.set('type', i % 5 === 4 ? 'lxc' : 'qemu');
    fields.set('vmid', 700_000 + i);
    // A flat string, as the reader makes: a joined one would be flattened on the first comparison.
    fields.set('name', JSON.parse(`"${prefix}-${700_000 + i}"`) as string);
    fields.set('node', `pve${i % 8}`);
    fields.set('status', 'running');
    fields.set('cpu', cpu);
    out.push(fields.guest(undefined, known.at(i, 700_000 + i)));
  }
  known.remember(out);
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
  const known = new KnownGuests();
  const first = read(known, 20_000, 0.1);
  // The control: every guest renamed (new name strings, as without the reuse).
  const h0 = heap();
  const renamed = read(known, 20_000, 0.2, 'renamed-guest');
  const h1 = heap();
  const same = read(known, 20_000, 0.3, 'renamed-guest');
  const h2 = heap();
  // The second control: nothing known (new id and name strings, as for a connection's first answer).
  const fresh = read(new KnownGuests(), 20_000, 0.4, 'renamed-guest');
  const h3 = heap();
  assert.deepEqual(
    same.map((g) => [g.id, g.name]),
    renamed.map((g) => [g.id, g.name]),
  );
  assert.equal(first[3].name, 'bench-guest-700003');
  assert.equal(same[3].cpu, 0.3);
  assert.deepEqual(
    fresh.map((g) => [g.id, g.name]),
    same.map((g) => [g.id, g.name]),
  );
  const renamedBytes = h1 - h0;
  const sameBytes = h2 - h1;
  const freshBytes = h3 - h2;
  // Names: ~40 bytes each; ids ("qemu/700000"): ~32 bytes each.
  assert.ok(sameBytes < renamedBytes - 20_000 * 30, `the unchanged answer kept ${sameBytes} bytes, the renamed one ${renamedBytes}`);
  assert.ok(renamedBytes < freshBytes - 20_000 * 24, `the renamed answer (ids known) kept ${renamedBytes} bytes, the first answer ${freshBytes}`);
});

test('a renamed, retyped or moved guest gets its new name and id, and a new order still finds the guests', () => {
  const fields = new GuestFields();
  const one = (type: string, vmid: number, node: string, name: string, before?: Guest): Guest => {
    fields.reset();
    fields.set('type', type);
    fields.set('vmid', vmid);
    fields.set('node', node);
    fields.set('name', name);
    return fields.guest(undefined, before);
  };
  const a = one('qemu', 800_001, 'pve1', 'old-name');
  assert.equal(a.id, 'qemu/800001');
  assert.equal(one('qemu', 800_001, 'pve1', 'new-name', a).name, 'new-name');
  assert.equal(one('qemu', 800_001, 'pve2', 'other', a).name, 'other');
  const lxc = one('lxc', 800_001, 'pve1', 'old-name', a);
  assert.equal(lxc.id, 'lxc/800001');
  assert.equal(lxc.name, 'old-name');
  assert.equal(one('qemu', 800_001, 'pve1', '', a).name, '');
  // Another guest than the one asked for is never used.
  assert.equal(one('qemu', 800_002, 'pve1', 'old-name', a).id, 'qemu/800002');

  const known = new KnownGuests();
  assert.equal(known.at(0, 800_001), undefined);
  const b = one('qemu', 800_002, 'pve1', 'b');
  known.remember([a, b]);
  assert.equal(known.at(0, 800_001), a);
  // The answer's order changed (another worker of pveproxy answered): found by VMID.
  assert.equal(known.at(0, 800_002), b);
  assert.equal(known.at(5, 800_001), a);
  assert.equal(known.at(1, 800_003), undefined);
});

test('a guest whose row did not change is the same object as in the last answer; any changed value makes a new one', () => {
  // Each answer is read with fields of its own (as the reader does), so its tag lists and node names are its own.
  const read = (row: Record<string, unknown>, before?: Guest): Guest => {
    const fields = new GuestFields();
    for (const [k, v] of Object.entries(row)) fields.set(k, v);
    return fields.guest(undefined, before);
  };
  const row = { type: 'qemu', vmid: 900_001, name: 'db', node: 'pve1', status: 'stopped', template: 0, tags: 'prod;db', pool: 'p', cpu: 0, maxcpu: 4, mem: 0, maxmem: 8 * 2 ** 30, disk: 0, maxdisk: 32 * 2 ** 30, uptime: 0 };
  const a = read(row);
  assert.equal(read({ ...row }, a), a);
  const changes: Record<string, unknown>[] = [
    { name: 'db2' }, { node: 'pve2' }, { status: 'running' }, { template: 1 }, { tags: 'prod' }, { tags: 'prod;dc' }, { tags: '' }, { pool: '' }, { lock: 'backup' },
    { hastate: 'started' }, { cpu: 0.01 }, { maxcpu: 8 }, { mem: 1 }, { maxmem: 2 ** 30 }, { disk: 1 }, { maxdisk: 1 }, { uptime: 5 }, { type: 'lxc' },
  ];
  for (const change of changes) {
    const b = read({ ...row, ...change }, a);
    assert.notEqual(b, a, JSON.stringify(change));
    assert.deepEqual(b, read({ ...row, ...change }), JSON.stringify(change));
  }
  // A running VM that QEMU reports paused is another status.
  const running = read({ ...row, status: 'running' });
  assert.equal(read({ ...row, status: 'running', qmpstatus: 'paused' }, running).status, 'paused');
});
