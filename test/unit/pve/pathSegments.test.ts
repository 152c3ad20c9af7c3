/**
 * `.`, `..` and empty names never become API path segments: `new URL()` collapses them, so deleting a
 * snapshot named `..` would send `DELETE /nodes/prom/qemu/111` and destroy the VM. The client refuses
 * before sending anything; the simulator, like pve-http-server, never collapses a raw path either.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { PveClient } from '../../../src/core/pve/client';
import { InvalidPathSegmentError } from '../../../src/core/pve/errors';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, sim, VM } from './helpers';

let s: RunningSimulator;
let client: PveClient;

before(async () => {
  s = await sim();
  client = clientFor(s);
});
after(async () => {
  await s.stop();
});

test('deleting a snapshot named .. sends nothing and the VM survives', async () => {
  assert.ok(s.state.guests.has(111));
  const sent = s.requests.length;
  for (const name of ['..', '.', '']) {
    await assert.rejects(client.deleteSnapshot(VM(111), name), (err: unknown) => {
      assert.ok(err instanceof InvalidPathSegmentError, String(err));
      assert.match(err.message, /snapshot name .*cannot be part of a Proxmox API path.*Nothing was sent/);
      return true;
    });
    await assert.rejects(client.rollbackSnapshot(VM(111), name), InvalidPathSegmentError);
  }
  assert.equal(s.requests.length, sent, `requests went out: ${JSON.stringify(s.requests.slice(sent))}`);
  assert.ok(s.state.guests.has(111), 'VM 111 was destroyed');
  assert.equal((await client.config(VM(111)))['name'], s.state.guests.get(111)?.name);
});

test('every name that becomes a path segment is checked: node, VMID, storage node, task ID', async () => {
  const sent = s.requests.length;
  await assert.rejects(client.destroy({ node: '..', type: 'qemu', vmid: 111 }), /node name '\.\.'/);
  await assert.rejects(client.config({ node: 'prom', type: 'qemu', vmid: '..' as unknown as number }), /'\.\.' is not a VMID/);
  await assert.rejects(client.power({ node: 'prom', type: '..' as 'qemu', vmid: 111 }, 'stop'), /guest type '\.\.'/);
  await assert.rejects(client.storages('.'), /node name '\.'/);
  await assert.rejects(client.guests('', 'qemu'), /An empty node name/);
  await assert.rejects(client.taskStatus('prom', '..'), /task ID '\.\.'/);
  await assert.rejects(client.taskLog('..', 'UPID:x'), InvalidPathSegmentError);
  assert.equal(s.requests.length, sent);
  assert.ok(s.state.guests.has(111));
  // Ordinary names with dots inside still work (a snapshot "v1.2" is one segment).
  await assert.rejects(client.deleteSnapshot(VM(111), 'v1.2'), (err: unknown) => !(err instanceof InvalidPathSegmentError));
});

/** A request with the path exactly as given: no URL parsing on the way (curl --path-as-is). */
function rawRequest(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: s.port, method, path, headers, ca: s.certificate, servername: 'pve-sim.localdomain', checkServerIdentity: () => undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the simulator given a raw .. path does not act on the parent', async () => {
  const auth = { Authorization: `PVEAPIToken=${s.tokens.admin.id}=${s.tokens.admin.secret}` };
  for (const path of ['/api2/json/nodes/prom/qemu/111/snapshot/..', '/api2/json/nodes/prom/qemu/111/snapshot/%2E%2E', '/api2/json/nodes/prom/qemu/111/snapshot/.']) {
    const r = await rawRequest('DELETE', path, auth);
    assert.equal(r.status, 400, `${path}: ${r.status} ${r.body}`);
    assert.match(r.body, /Parameter verification failed/);
    assert.match(r.body, /snapname/);
  }
  // Dots in a fixed position match no API method, as in pve-http-server.
  const up = await rawRequest('DELETE', '/api2/json/nodes/prom/qemu/111/snapshot/x/../..', auth);
  assert.equal(up.status, 501, up.body);
  const empty = await rawRequest('DELETE', '/api2/json/nodes//qemu/111', auth);
  assert.ok(empty.status === 400 || empty.status === 501, `${empty.status} ${empty.body}`);
  assert.ok(s.state.guests.has(111), 'VM 111 was destroyed');
});

test('a garbage PVEAuthCookie gets 401, not 500', async () => {
  for (const cookie of ['PVEAuthCookie=%E0%A4%A', 'PVEAuthCookie=%', 'PVEAuthCookie=PVE:root@pam:0::%ZZ']) {
    const r = await rawRequest('GET', '/api2/json/version', { Cookie: cookie });
    assert.equal(r.status, 401, `${cookie}: ${r.status} ${r.body}`);
  }
});

test('a request body over pve-http-server\'s 512 KiB limit is refused (501 "for data too large")', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const body = `description=${'x'.repeat(600 * 1024)}`;
    const req = https.request(
      { host: '127.0.0.1', port: s.port, method: 'PUT', path: '/api2/json/nodes/prom/qemu/111/config', ca: s.certificate, checkServerIdentity: () => undefined,
        headers: { Authorization: `PVEAPIToken=${s.tokens.admin.id}=${s.tokens.admin.secret}`, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(status, 501);
  assert.notEqual(String(s.state.guests.get(111)?.config['description'] ?? '').length, 600 * 1024);
});
