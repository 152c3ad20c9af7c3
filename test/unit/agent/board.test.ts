/**
 * The board's model against the simulator's demo cluster: the state, OS, host name and addresses of each
 * guest as a user would read them, seed 000's blocker (clones of template 9002 that never answer) at the
 * top, at most 8 requests in flight, backoff for silent agents, the PVE 9 permission 403, and the CLI's
 * `agent` command on an agent that lacks commands.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AgentBoard } from '../../../src/core/agent/board';
import { groupByTemplate, matchesFilter } from '../../../src/core/agent/groups';
import { addressesOf, primaryAddress } from '../../../src/core/agent/addresses';
import type { AgentReport } from '../../../src/core/agent/state';
import type { PveApi } from '../../../src/core/pve/api';
import { PveClient } from '../../../src/core/pve/client';
import { main } from '../../../src/cli/main';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, sim } from '../pve/helpers';

let s: RunningSimulator;
before(async () => {
  s = await sim();
});
after(async () => {
  await s.stop();
});

const byVmid = (reports: readonly AgentReport[]) => new Map(reports.map((r) => [r.vmid, r]));

test('one round: every QEMU guest gets the state, OS, host name and addresses its agent gives', async () => {
  const client = clientFor(s);
  const board = new AgentBoard(() => Promise.resolve(client));
  await board.round();
  const r = byVmid(board.snapshot().reports);
  assert.ok(!r.has(9002) && !r.has(120), 'templates and containers are not rows');
  const doc1 = r.get(104)!;
  assert.equal(doc1.state, 'answering');
  assert.equal(doc1.agentEnabled, true);
  assert.equal(doc1.hostname, 'proxmox-vm');
  assert.equal(doc1.osName, 'NixOS 25.05 (Warbler)');
  assert.equal(primaryAddress(doc1.interfaces!), '10.0.1.29');
  assert.deepEqual(addressesOf(doc1.interfaces!).filter((a) => !a.local).map((a) => a.address), ['10.0.1.29'], 'loopback and link-local hidden');
  assert.equal(r.get(110)!.state, 'not-answering');
  assert.equal(r.get(110)!.reason, 'not-running');
  assert.equal(r.get(112)!.state, 'not-answering');
  assert.equal(r.get(112)!.reason, 'timeout');
  assert.deepEqual([r.get(111)!.state, r.get(111)!.agentEnabled], ['stopped', true]);
  assert.deepEqual([r.get(150)!.state, r.get(150)!.agentEnabled], ['stopped', false]);
  assert.deepEqual([r.get(151)!.state, r.get(151)!.agentEnabled], ['not-enabled', false]);
  const win = r.get(152)!;
  assert.equal(win.state, 'answering');
  assert.equal(win.osId, 'mswindows');
  assert.equal(win.osName, 'Windows Server 2022 Datacenter');
  assert.equal(win.hostname, 'WIN-BUILD');
  assert.equal(primaryAddress(win.interfaces!), '10.0.3.52');
  const docker = r.get(153)!;
  assert.equal(docker.state, 'answering');
  assert.equal(docker.clonedFrom, 9001);
  assert.ok(docker.interfaces!.length >= 8);
  assert.equal(primaryAddress(docker.interfaces!), '10.0.3.53', 'eth0, not docker0 or cni0');
  const legacy = r.get(154)!;
  assert.equal(legacy.state, 'unsupported');
  assert.deepEqual([...legacy.unsupported].sort(), ['get-host-name', 'get-osinfo']);
  assert.equal(primaryAddress(legacy.interfaces!), '10.0.3.54', 'what the agent does support still shows');
  assert.ok(matchesFilter(legacy, 'partly'));
  assert.ok(matchesFilter(docker, '10.0.3.53'));
  assert.ok(!matchesFilter(docker, 'windows'));
});

test('grouped by template: the clones of 9002 that never answer come first and say so', async () => {
  const board = new AgentBoard(() => Promise.resolve(clientFor(s)));
  await board.round();
  const snap = board.snapshot();
  const groups = groupByTemplate(snap.reports, snap.templates);
  assert.equal(groups[0].template?.vmid, 9002);
  assert.equal(groups[0].template?.name, 'ubuntu-cloud-template');
  assert.ok(groups[0].neverAnswers);
  assert.deepEqual(groups[0].rows.map((g) => g.vmid), [116, 117]);
  assert.match(groups[0].summary, /No clone of template 9002 \(ubuntu-cloud-template\) answers: 2 of 2/);
  const debian = groups.find((g) => g.template?.vmid === 9001)!;
  assert.equal(debian.neverAnswers, false);
  assert.match(debian.summary, /1 of 1 running clones with the agent enabled answer/);
  assert.equal(groups.at(-1)!.template, undefined);
});

test('a linked clone made through the API joins its template\'s group', async () => {
  const client = clientFor(s);
  await client.waitForTask(await client.clone({ node: 'prom', type: 'qemu', vmid: 9002 }, { newid: 118, name: 'tofu-web-3' }));
  const config = await client.config({ node: 'prom', type: 'qemu', vmid: 118 });
  assert.match(String(config.scsi0), /^local-zfs:base-9002-disk-0\/vm-118-disk-0,/);
  const board = new AgentBoard(() => Promise.resolve(client));
  await board.round();
  assert.equal(byVmid(board.snapshot().reports).get(118)?.clonedFrom, 9002);
  await client.waitForTask(await client.destroy({ node: 'prom', type: 'qemu', vmid: 118 }));
});

/** Wraps every method so the test sees how many calls are in flight at once. */
function counting(api: PveApi): { api: PveApi; peak: () => number; calls: string[] } {
  let active = 0;
  let peak = 0;
  const calls: string[] = [];
  const wrapped = new Proxy(api, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        active++;
        peak = Math.max(peak, active);
        calls.push(`${String(key)} ${JSON.stringify((args[0] as { vmid?: number } | undefined)?.vmid ?? '')}`);
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          active--;
        }
      };
    },
  });
  return { api: wrapped, peak: () => peak, calls };
}

test('at most 8 requests in flight, however many guests; slow agents do not hold the rest back', async () => {
  const target = await sim({ seed: { guests: 120, nodes: 3 } });
  try {
    target.injectFault('/nodes/*/qemu/*/agent/*', { latencyMs: 40 });
    const c = counting(clientFor(target));
    const board = new AgentBoard(() => Promise.resolve(c.api), { maxInFlight: 8 });
    await board.round();
    assert.ok(c.peak() <= 8, `peak ${c.peak()} requests in flight`);
    assert.ok(c.peak() >= 4, `the limiter lets requests overlap (peak ${c.peak()})`);
    assert.ok(board.snapshot().reports.every((r) => r.state !== 'unchecked'));
  } finally {
    await target.stop();
  }
});

test('backoff: a silent agent is asked again after 2, then 4 intervals; a healthy one every interval', async () => {
  let now = 1_000_000;
  const c = counting(clientFor(s));
  const board = new AgentBoard(() => Promise.resolve(c.api), { intervalMs: 30_000, now: () => now });
  await board.round();
  const pings = (vmid: number) => c.calls.filter((x) => x === `agentPing ${vmid}`).length;
  assert.equal(pings(110), 1);
  assert.equal(pings(104), 1);
  now += 30_000;
  await board.round();
  assert.equal(pings(104), 2, 'healthy: every interval');
  assert.equal(pings(110), 1, 'silent: not after one interval');
  assert.equal(pings(151), 0, 'not enabled: never pinged');
  now += 30_000;
  await board.round();
  assert.equal(pings(110), 2, 'silent: after two intervals');
  now += 60_000;
  await board.round();
  assert.equal(pings(110), 2, 'two misses: not after two more intervals');
  now += 60_000;
  await board.round();
  assert.equal(pings(110), 3, 'two misses: after four intervals');
  assert.equal(board.latest(110)?.misses, 3);
  // A round right after another asks only for the guest list.
  const calls = c.calls.length;
  await board.round();
  assert.equal(c.calls.length - calls, 1, 'nothing due: one /cluster/resources call');
});

test('a token without VM.GuestAgent.Audit: "no permission" with the privilege named', async () => {
  const id = 'viewer@pve!noagent';
  const secret = randomUUID();
  s.state.tokens.set(id, { id, secret, acl: [{ path: '/', privs: ['VM.Audit', 'Sys.Audit'], propagate: true }] });
  const client = new PveClient({ url: s.url, user: id, auth: 'token', fingerprint: s.fingerprint }, secret, { retry: { attempts: 1 } });
  const board = new AgentBoard(() => Promise.resolve(client));
  await board.round();
  const doc1 = byVmid(board.snapshot().reports).get(104)!;
  assert.equal(doc1.state, 'no-permission');
  assert.match(doc1.detail ?? '', /lacks VM\.GuestAgent\.Audit or VM\.GuestAgent\.Unrestricted on \/vms\/104/);
  assert.equal(byVmid(board.snapshot().reports).get(151)!.state, 'not-enabled', 'the config still says "not enabled"');
});

test('the row buttons: Ping asks only ping and keeps what the last full check learned', async () => {
  const c = counting(clientFor(s));
  const board = new AgentBoard(() => Promise.resolve(c.api));
  await board.round();
  const before = c.calls.length;
  const r = await board.check(152, 'ping');
  assert.deepEqual(c.calls.slice(before), ['agentPing 152']);
  assert.equal(r?.osId, 'mswindows');
  const full = await board.check(152, 'full');
  assert.equal(full?.state, 'answering');
  assert.ok(c.calls.slice(before).includes('config 152'), 'Refresh re-reads the config');
});

test('CLI agent on an agent that lacks commands: exit 0, the rest shown, "not supported" named (not "check the URL")', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-cli-'));
  try {
    writeFileSync(join(dir, 'admin.token'), `${s.tokens.admin.secret}\n`);
    const out: string[] = [];
    const err: string[] = [];
    const env = { PROXMOX_IAC_URL: s.url, PROXMOX_IAC_TOKEN_ID: s.tokens.admin.id, PROXMOX_IAC_FINGERPRINT: s.fingerprint };
    const code = await main(['agent', '154', '--token-file', 'admin.token'], { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: dir });
    assert.equal(code, 0, err.join('\n'));
    const data = JSON.parse(out.join('\n')) as { hostname: string | null; osinfo: unknown; interfaces: { name: string }[]; unsupported: string[] };
    assert.equal(data.hostname, null);
    assert.equal(data.osinfo, null);
    assert.deepEqual(data.unsupported, ['get-host-name', 'get-osinfo']);
    assert.ok(data.interfaces.some((i) => i.name === 'eth0'));
    assert.match(err.join('\n'), /does not support 'get-osinfo'/);
    assert.doesNotMatch(err.join('\n'), /does not understand|check the URL/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
