/**
 * The provisioning pipeline against the simulator: the clone exists with the asked config and cloud-init,
 * the disk grew, the VM runs and the agent wait ends with the cloud-init address; a failing start names the
 * step, says what exists and the cleanup removes it; a dry run makes no call; cancelling stops.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PveClient } from '../../../src/core/pve/client';
import type { ProvisionAnswers } from '../../../src/core/provision/answers';
import { deletePartialVm } from '../../../src/core/provision/cleanup';
import { describePlan, encodeSshKeys, planProvision } from '../../../src/core/provision/plan';
import { ProvisionStepError, runProvision } from '../../../src/core/provision/run';
import { templateFacts } from '../../../src/core/provision/template';
import type { RunningSimulator } from '../../../src/sim/index';
import { clientFor, sim, VM } from '../pve/helpers';

let s: RunningSimulator;
let client: PveClient;
const WAIT = { timeoutMs: 20_000, intervalMs: 20 };
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILnyd2niY8ht8KRea6M6y+TBx08F7zRdhBlKjk7aywMT me@laptop';

before(async () => {
  s = await sim({ taskDurationMs: 30 });
  client = clientFor(s);
});
after(() => s.stop());

function answers(over: Partial<ProvisionAnswers> = {}): ProvisionAnswers {
  return {
    template: { node: 'prom', vmid: 9003, name: 'nixos-template' },
    node: 'prom',
    name: 'web-1',
    vmid: 700,
    cores: 4,
    memory: 4096,
    diskGiB: 32,
    storage: 'nvmeprom',
    full: true,
    cloudInit: { user: 'abl030', sshKeys: [KEY], ip: { cidr: '192.168.1.50/24', gw: '192.168.1.1' }, nameserver: '1.1.1.1 9.9.9.9' },
    ...over,
  };
}

async function planFor(a: ProvisionAnswers) {
  const facts = templateFacts(await client.config(VM(a.template.vmid, a.template.node)));
  return { facts, steps: planProvision(a, facts, WAIT) };
}

test('template facts: agent, cloud-init drive and boot disk size are read from the config', async () => {
  const nixos = templateFacts(await client.config(VM(9003)));
  assert.deepEqual(nixos, { agent: true, cloudInit: true, bootDisk: 'scsi0', diskGiB: 16 });
  const ubuntu = templateFacts(await client.config(VM(9002)));
  assert.equal(ubuntu.agent, false);
  assert.equal(ubuntu.cloudInit, true);
});

test('sshkeys are URL-encoded the way PVE stores them (%20 for spaces, %2B for +, %0A between keys)', () => {
  assert.equal(encodeSshKeys([KEY]), 'ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAILnyd2niY8ht8KRea6M6y%2BTBx08F7zRdhBlKjk7aywMT%20me%40laptop');
  assert.match(encodeSshKeys([KEY, KEY]), /me%40laptop%0Assh-ed25519/);
});

test('a full run: clone, config and cloud-init, resize, start, agent → the cloud-init IP', async () => {
  const a = answers();
  const { steps } = await planFor(a);
  assert.deepEqual(steps.map((x) => x.name), ['clone', 'configure', 'resize', 'start', 'agent']);
  const seen: string[] = [];
  const result = await runProvision(client, a, steps, { agent: WAIT, onStep: (st, _i, phase) => seen.push(`${st.name}:${phase}`) });
  assert.equal(seen.join(' '), 'clone:start clone:done configure:start configure:done resize:start resize:done start:start start:done agent:start agent:done');
  assert.equal(result.ip, '192.168.1.50');
  const cfg = await client.config(VM(700));
  assert.equal(cfg.name, 'web-1');
  assert.equal(Number(cfg.cores), 4);
  assert.equal(cfg.memory, '4096');
  assert.equal(cfg.ciuser, 'abl030');
  assert.equal(cfg.ipconfig0, 'ip=192.168.1.50/24,gw=192.168.1.1');
  assert.equal(cfg.nameserver, '1.1.1.1 9.9.9.9');
  assert.equal(decodeURIComponent(String(cfg.sshkeys)), KEY);
  assert.match(String(cfg.scsi0), /^nvmeprom:vm-700-disk-0,.*size=32G/);
  assert.equal((await client.guestStatus(VM(700))).status, 'running');
  // Every call was one the schema knows, and none was refused.
  assert.ok(s.requests.every((r) => r.route && r.status !== 400 && r.status !== 501), 'a request failed schema checks');
});

test('a failure at the start step names the step, says the VM exists, and cleanup deletes it', async () => {
  const a = answers({ vmid: 701, name: 'web-2' });
  const { steps } = await planFor(a);
  s.state.injectTaskFailure({ type: 'qmstart', vmid: 701, exitstatus: "TASK ERROR: start failed: QEMU exited with code 1" });
  const err = await runProvision(client, a, steps, { agent: WAIT }).then(
    () => assert.fail('the run should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProvisionStepError);
  assert.equal(err.step, 'start');
  assert.equal(err.leftOver, 'stopped');
  assert.match(err.message, /Failed at step "start".*QEMU exited with code 1.*VM 701 exists on node prom \(stopped\)/);
  assert.ok(s.state.guests.has(701));
  await deletePartialVm(client, err.vm);
  assert.ok(!s.state.guests.has(701), 'the partial VM is gone');
});

test('a clone failure leaves nothing behind and says so', async () => {
  const a = answers({ vmid: 702, name: 'web-3' });
  const { steps } = await planFor(a);
  s.state.injectTaskFailure({ type: 'qmclone', vmid: 9003, exitstatus: 'storage nvmeprom is full' });
  const err = await runProvision(client, a, steps, { agent: WAIT }).catch((e: unknown) => e);
  assert.ok(err instanceof ProvisionStepError);
  assert.equal(err.step, 'clone');
  assert.equal(err.leftOver, 'nothing');
  assert.match(err.message, /Nothing was created/);
});

test('the agent wait times out with the setting named, the VM running', async () => {
  const a = answers({ vmid: 703, name: 'web-4' });
  const { steps } = await planFor(a);
  const run = runProvision(client, a, steps, {
    agent: { timeoutMs: 200, intervalMs: 20 },
    onStep: (st, _i, phase) => {
      // The image has no running agent: the wait must give up.
      if (st.name === 'agent' && phase === 'start') s.state.guests.get(703)!.agent = 'not-running';
    },
  });
  const err = await run.catch((e: unknown) => e);
  assert.ok(err instanceof ProvisionStepError);
  assert.equal(err.step, 'agent');
  assert.equal(err.leftOver, 'running');
  assert.match(err.message, /did not report an address within 0 s.*proxmoxIac\.provisioning\.agentTimeout/);
  await deletePartialVm(client, err.vm);
  assert.ok(!s.state.guests.has(703));
});

test('cancelling during the run stops at the current step and reports it as cancelled', async () => {
  const a = answers({ vmid: 704, name: 'web-5' });
  const { steps } = await planFor(a);
  const ctl = new AbortController();
  const err = await runProvision(client, a, steps, { agent: WAIT, signal: ctl.signal, onStep: (st, _i, phase) => st.name === 'configure' && phase === 'done' && ctl.abort() }).catch((e: unknown) => e);
  assert.ok(err instanceof ProvisionStepError);
  assert.equal(err.cancelled, true);
  assert.equal(err.step, 'resize');
  assert.equal(err.leftOver, 'stopped');
  assert.notEqual((await client.guestStatus(VM(704))).status, 'running');
});

test('a linked clone without cloud-init answers and no start: only clone and size', async () => {
  const a = answers({ vmid: 705, name: 'web-6', full: false, storage: undefined, cloudInit: undefined, diskGiB: 16, start: false });
  const { steps } = await planFor(a);
  assert.deepEqual(steps.map((x) => x.name), ['clone', 'configure']);
  const r = await runProvision(client, a, steps, { agent: WAIT });
  assert.equal(r.ip, undefined);
  assert.match(r.noIpReason ?? '', /not started/);
  assert.equal(Number((await client.config(VM(705))).cores), 4);
});

test('the dry run lists the API calls and makes none', async () => {
  const a = answers({ vmid: 706, name: 'web-7' });
  const { steps } = await planFor(a);
  const before = s.requests.length;
  const lines = describePlan(steps);
  assert.equal(s.requests.length, before);
  assert.ok(lines.includes('   POST /nodes/prom/qemu/9003/clone newid=706 name=web-7 full=1 storage=nvmeprom'), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('   POST /nodes/prom/qemu/706/config cores=4 memory=4096 ciuser=abl030 sshkeys=ssh-ed25519%20')));
  assert.ok(lines.includes('   PUT /nodes/prom/qemu/706/resize disk=scsi0 size=32G'));
  assert.ok(lines.includes('   POST /nodes/prom/qemu/706/status/start'));
  assert.ok(lines.includes('   GET /nodes/prom/qemu/706/agent/network-get-interfaces'));
  assert.ok(!s.state.guests.has(706));
});
