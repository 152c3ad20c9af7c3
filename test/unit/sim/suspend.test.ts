/**
 * A suspended VM as PVE 9.1 reports it: `/cluster/resources` carries pvestatd's QMP run state as the status
 * (`paused`), `status/current` says `running` with `qmpstatus: paused`; the client reads both as paused, and
 * Resume brings it back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { PveClient } from '../../../src/core/pve/client';
import { parseGuest } from '../../../src/core/pve/parse';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, sim, VM } from '../pve/helpers';

let s: RunningSimulator;
let client: PveClient;

before(async () => {
  s = await sim({ seed: 'demo' });
  client = clientFor(s);
});
after(async () => {
  await s.stop();
});

/** The raw `/cluster/resources` row, as the server sends it (before the client's parsing). */
function resourceOf(vmid: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${s.url}/api2/json/cluster/resources?type=vm`,
      { headers: { Authorization: `PVEAPIToken=${s.tokens.admin.id}=${s.tokens.admin.secret}` }, ca: s.certificate },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { data: Record<string, unknown>[] }).data.find((r) => r.vmid === vmid)!));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('suspend: paused in /cluster/resources and status/current (qmpstatus), memory and uptime kept; resume undoes it', async () => {
  const before = (await client.clusterResources()).guests.find((g) => g.vmid === 105)!;
  assert.equal(before.status, 'running');
  const r = await client.waitForTask(await client.power(VM(105), 'suspend'));
  assert.equal(r.ok, true, r.exitstatus);

  const row = await resourceOf(105);
  assert.equal(row.status, 'paused');
  const g = (await client.clusterResources()).guests.find((x) => x.vmid === 105)!;
  assert.equal(g.status, 'paused');
  assert.equal(g.cpu, 0);
  assert.ok(g.mem > 0, 'a paused VM keeps its memory');
  assert.ok(g.uptime >= before.uptime, 'a paused VM keeps its uptime');

  const current = await client.guestStatus(VM(105));
  assert.equal(current.status, 'running', 'status/current has only stopped|running in its schema');
  assert.equal(current.qmpstatus, 'paused');
  assert.equal(parseGuest(current, { node: 'prom', type: 'qemu' }).status, 'paused');
  const listed = (await client.guests('prom', 'qemu')).find((x) => x.vmid === 105)!;
  assert.equal(listed.status, 'paused');

  // Suspending again is refused by the server as in PVE; resume runs it again.
  const again = await client.waitForTask(await client.power(VM(105), 'suspend'));
  assert.equal(again.ok, false);
  const resumed = await client.waitForTask(await client.power(VM(105), 'resume'));
  assert.equal(resumed.ok, true, resumed.exitstatus);
  assert.equal((await client.clusterResources()).guests.find((x) => x.vmid === 105)!.status, 'running');
  assert.equal((await client.guestStatus(VM(105))).qmpstatus, 'running');
});
