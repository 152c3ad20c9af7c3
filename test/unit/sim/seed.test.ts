import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedSpec } from '../../../src/sim/index';
import { demoSpec, generatedSpec } from '../../../src/sim/seed';
import { clientFor, sim } from '../pve/helpers';

test('the demo seed matches the example IaC files: declared guests present, some missing, some unmanaged', () => {
  const spec = demoSpec();
  const byId = new Map(spec.guests.map((g) => [g.vmid, g]));
  assert.equal(spec.nodes.length, 3);
  assert.ok(spec.guests.length >= 18 && spec.guests.length <= 25);
  // nixos-fleet hosts.nix / vms/definitions.nix
  for (const vmid of [104, 109, 110, 111, 112]) assert.ok(byId.has(vmid), `hosts.nix vmid ${vmid}`);
  assert.ok(!byId.has(114), 'doc2 (114) is declared but absent: "missing"');
  assert.equal(byId.get(9002)?.name, 'ubuntu-cloud-template');
  assert.equal(byId.get(9002)?.agent, 'none');
  assert.equal(byId.get(9003)?.name, 'nixos-template');
  assert.equal(byId.get(9003)?.agent, 'running');
  // site-config manifests
  assert.ok(byId.has(99011) && byId.has(99021));
  assert.ok(!byId.has(99001), 'n1-push edge (99001) is absent');
  assert.ok(spec.guests.some((g) => g.type === 'lxc'));
  assert.ok(spec.guests.some((g) => g.name.startsWith('talos-')));
});

test('generated seeds are deterministic and spread over the nodes', () => {
  const a = generatedSpec(200, 4);
  assert.deepEqual(a, generatedSpec(200, 4));
  assert.equal(a.guests.length, 200);
  assert.deepEqual(new Set(a.guests.map((g) => g.node)).size, 4);
});

test('a seed file defines the cluster', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-seed-'));
  const file = join(dir, 'seed.json');
  const spec: SeedSpec = { nodes: [{ node: 'lab1' }], guests: [{ vmid: 321, node: 'lab1', name: 'from-file', status: 'running', tags: ['x'] }] };
  writeFileSync(file, JSON.stringify(spec));
  const s = await sim({ seedFile: file });
  try {
    const snap = await clientFor(s).clusterResources();
    assert.deepEqual(snap.guests.map((g) => [g.vmid, g.name, g.node, g.status]), [[321, 'from-file', 'lab1', 'running']]);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
