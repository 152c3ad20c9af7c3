// The fake `pvesh` on the test SSH server forwards to the embedded simulator, so pvesh commands run over a
// real SSH connection get the answers (and refusals) the API gives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshSession } from '../../../src/core/ssh';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { startSshd, type TestSshd } from '../../support/sshd';

let sim: RunningSimulator;
let sshd: TestSshd;
let session: SshSession;
let certDir: string;

interface Resource {
  type: string;
  node?: string;
  vmid?: number;
  status?: string;
  template?: number;
}

before(async () => {
  sim = await startSimulator({ seed: 'demo', taskDurationMs: 50 });
  certDir = mkdtempSync(join(tmpdir(), 'pxiac-simca-'));
  const caFile = join(certDir, 'sim.pem');
  writeFileSync(caFile, sim.certificate);
  sshd = await startSshd({
    sessionEnv: { PVE_SIM_URL: sim.url, PVE_SIM_TOKEN: `${sim.tokens.admin.id}=${sim.tokens.admin.secret}`, PVE_SIM_CA_FILE: caFile },
  });
  const knownHosts = join(sshd.dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n`);
  session = await SshSession.connect({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    identityFiles: [sshd.clientKey.path],
    agent: false,
    knownHostsFiles: [knownHosts],
  });
});

after(async () => {
  session?.close();
  await sshd?.stop();
  await sim?.stop();
  rmSync(certDir, { recursive: true, force: true });
});

test('pvesh get /cluster/resources over SSH lists the simulated cluster', async () => {
  const r = await session.run(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const guests = JSON.parse(r.stdout) as Resource[];
  assert.ok(guests.length >= 10, `the demo cluster has many guests, got ${guests.length}`);
  assert.ok(guests.every((g) => g.type === 'qemu' || g.type === 'lxc'));
  assert.ok(sim.requests.some((q) => q.path.includes('/cluster/resources')), 'the simulator was asked');
});

test('pvesh create …/status/start returns the UPID of a task the simulator runs', async () => {
  const all = JSON.parse((await session.run(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'])).stdout) as Resource[];
  const stopped = all.find((g) => g.type === 'qemu' && g.status === 'stopped' && !g.template);
  assert.ok(stopped?.node && stopped.vmid, 'the demo cluster has a stopped VM');
  const r = await session.run(['pvesh', 'create', `/nodes/${stopped.node}/qemu/${stopped.vmid}/status/start`, '--output-format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const upid = JSON.parse(r.stdout) as string;
  assert.match(upid, new RegExp(`^UPID:${stopped.node}:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmstart:${stopped.vmid}:`));
});

test('a parameter the API rejects fails with exit 255 and the server\'s message on stderr', async () => {
  const r = await session.run(['pvesh', 'get', '/cluster/resources', '--type', 'not-a-type', '--output-format', 'json']);
  assert.equal(r.code, 255);
  assert.match(r.stderr, /^400 Parameter verification failed/);
  assert.match(r.stderr, /type: /);
});
