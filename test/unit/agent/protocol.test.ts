/**
 * The guest-agent board's protocol guards (both directions), the page-state guard the serializer relies on,
 * and the pure pieces the page uses: address validation, the limiter and the backoff schedule.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isAgentReport, isFromPage, isPageState, isToPage } from '../../../src/core/webviews/agentboard/protocol';
import { addressesOf, isIpAddress } from '../../../src/core/agent/addresses';
import { agentEnabledInConfig, linkedCloneTemplate } from '../../../src/core/agent/config';
import { Limiter } from '../../../src/core/agent/limiter';
import { isDue, nextCheckAt, MAX_BACKOFF_MS } from '../../../src/core/agent/schedule';
import type { AgentReport } from '../../../src/core/agent/state';

const state = { connectionId: 'demo', filter: 'tofu', sort: 'state', showLocal: false };
const report = { version: 3, filter: '', sort: 'vmid', showLocal: true, groups: [{ title: 'Template 9002 · ubuntu', summary: 'No clone…', neverAnswers: true, rows: [{ vmid: 116, name: 'tofu-web-1', state: 'not answering', hint: 'agent enabled but not answering', os: '', hostname: '', addresses: [] }] }] };
const agentReport: AgentReport = {
  vmid: 104,
  node: 'prom',
  name: 'Doc1',
  status: 'running',
  agentEnabled: true,
  state: 'answering',
  unsupported: [],
  osName: 'NixOS',
  interfaces: [{ name: 'eth0', hardwareAddress: 'bc:24:11:00:00:01', addresses: [{ address: '10.0.1.29', prefix: 24, family: 'ipv4' }] }],
  checkedAt: 1,
  misses: 0,
};
const board = { type: 'board', version: 1, connection: { id: 'demo', name: 'Demo' }, reports: [agentReport], templates: [{ vmid: 9002, name: 'ubuntu', node: 'prom' }], checking: [104], intervalMs: 30_000 };

test('page → extension: every message type passes with the right shape', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'ready', state },
    { type: 'action', action: 'ping', vmid: 104 },
    { type: 'action', action: 'copyIp', vmid: 104 },
    { type: 'refreshAll' },
    { type: 'rendered', report },
    { type: 'stateChanged', state },
    { type: 'log', level: 'info', message: 'x' },
  ]) {
    assert.ok(isFromPage(m), JSON.stringify(m));
  }
});

test('page → extension: wrong shapes are rejected', () => {
  for (const m of [
    null,
    'ping',
    [],
    {},
    { type: 'action', action: 'rm -rf /', vmid: 104 },
    { type: 'action', action: 'ping', vmid: '104; reboot' },
    { type: 'action', action: 'ping', vmid: 1.5 },
    { type: 'action', action: 'ssh', vmid: 0 },
    { type: 'ready', state: { ...state, sort: 'evil' } },
    { type: 'stateChanged', state: { ...state, showLocal: 'yes' } },
    { type: 'stateChanged', state: { ...state, filter: 'x'.repeat(5000) } },
    { type: 'rendered', report: { ...report, groups: [{ ...report.groups[0], rows: [{ vmid: 'x' }] }] } },
    { type: 'log', level: 'debug', message: 'x' },
    { type: 'exec', command: 'x' },
  ]) {
    assert.equal(isFromPage(m), false, JSON.stringify(m));
  }
});

test('extension → page: the board passes; a malformed board or report does not', () => {
  assert.ok(isToPage(board));
  assert.ok(isToPage({ ...board, error: 'no route', updatedAt: 5 }));
  for (const m of [
    { ...board, version: 'x' },
    { ...board, reports: 'none' },
    { ...board, reports: [{ ...agentReport, state: 'happy' }] },
    { ...board, reports: [{ ...agentReport, interfaces: [{ name: 'eth0', addresses: [{ address: 1 }] }] }] },
    { ...board, checking: ['104'] },
    { ...board, connection: null },
    { ...board, type: 'graph' },
  ]) {
    assert.equal(isToPage(m), false, JSON.stringify(m).slice(0, 200));
  }
  assert.ok(isAgentReport(agentReport));
  assert.equal(isAgentReport({ ...agentReport, misses: undefined }), false);
});

test('page state: what the serializer accepts', () => {
  assert.ok(isPageState(state));
  assert.equal(isPageState({ ...state, connectionId: 5 }), false);
  assert.equal(isPageState(undefined), false);
});

test('addresses: only real IPs survive, whatever the agent says', () => {
  for (const a of ['10.0.1.29', '0.0.0.0', '255.255.255.255']) assert.ok(isIpAddress(a, 'ipv4'), a);
  for (const a of ['::1', 'fe80::1', 'fd8c:4687:e88d:1be3:5b70:7b88:c79c:293', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8']) assert.ok(isIpAddress(a, 'ipv6'), a);
  for (const a of ['256.1.1.1', '10.0.1', '-oProxyCommand=x', 'evil.example', '10.0.0.1 ', '01.2.3.4x']) assert.equal(isIpAddress(a, 'ipv4'), false, a);
  for (const a of ['1::2::3', '1:2:3:4:5:6:7:8:9', 'gggg::1', '-::1', ':::', '10.0.0.1']) assert.equal(isIpAddress(a, 'ipv6'), false, a);
  const shown = addressesOf([{ name: 'eth0', addresses: [{ address: '-oProxyCommand=touch /tmp/x', prefix: 24, family: 'ipv4' }, { address: '10.0.0.5', prefix: 24, family: 'ipv4' }] }]);
  assert.deepEqual(shown.map((a) => a.address), ['10.0.0.5']);
});

test('config: the agent property and the linked-clone template', () => {
  assert.equal(agentEnabledInConfig({ agent: '1,fstrim_cloned_disks=1' }), true);
  assert.equal(agentEnabledInConfig({ agent: 'enabled=1,type=isa' }), true);
  assert.equal(agentEnabledInConfig({ agent: '0' }), false);
  assert.equal(agentEnabledInConfig({ agent: 'enabled=0' }), false);
  assert.equal(agentEnabledInConfig({ agent: 1 }), true);
  assert.equal(agentEnabledInConfig({}), false);
  assert.equal(linkedCloneTemplate({ scsi0: 'local-zfs:base-9002-disk-0/vm-116-disk-0,iothread=1,size=16G' }), 9002);
  assert.equal(linkedCloneTemplate({ virtio0: 'local-lvm:base-9001-disk-1/vm-200-disk-1,size=8G' }), 9001);
  assert.equal(linkedCloneTemplate({ scsi0: 'local-zfs:vm-116-disk-0,size=16G', ide2: 'local-zfs:vm-116-cloudinit,media=cdrom' }), undefined);
  assert.equal(linkedCloneTemplate({ description: 'base-9002-disk-0/' }), undefined, 'only disk keys count');
});

test('limiter: never more than its slots, in order', async () => {
  const l = new Limiter(3);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  const release: (() => void)[] = [];
  const jobs = Array.from({ length: 10 }, (_, i) =>
    l.run(async () => {
      active++;
      peak = Math.max(peak, active);
      order.push(i);
      await new Promise<void>((r) => release.push(r));
      active--;
    }),
  );
  while (order.length < 10) {
    await new Promise((r) => setImmediate(r));
    assert.ok(active <= 3);
    release.shift()?.();
  }
  release.forEach((r) => r());
  await Promise.all(jobs);
  assert.equal(peak, 3);
  assert.equal(l.peak, 3);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => new Limiter(0), RangeError);
});

test('schedule: healthy every interval, silent ones back off up to the cap, a status change is due at once', () => {
  const r = (state: AgentReport['state'], misses = 0): AgentReport => ({ vmid: 1, node: 'n', name: 'x', status: 'running', state, unsupported: [], misses, checkedAt: 0 });
  assert.equal(nextCheckAt(r('answering'), 30_000), 30_000);
  assert.equal(nextCheckAt(r('not-answering', 1), 30_000), 60_000);
  assert.equal(nextCheckAt(r('not-answering', 2), 30_000), 120_000);
  assert.equal(nextCheckAt(r('not-answering', 3), 30_000), 240_000);
  assert.equal(nextCheckAt(r('not-answering', 50), 30_000), 480_000);
  assert.ok(nextCheckAt(r('not-answering', 50), 60_000) <= MAX_BACKOFF_MS);
  assert.equal(nextCheckAt(r('stopped'), 30_000), 300_000);
  assert.equal(isDue(undefined, 'running', 0, 30_000), true);
  assert.equal(isDue({ ...r('stopped'), status: 'stopped' }, 'stopped', 1, 30_000), false);
  assert.equal(isDue({ ...r('stopped'), status: 'stopped' }, 'running', 1, 30_000), true, 'the VM was started');
  assert.equal(isDue(r('answering'), 'running', 29_999, 30_000), false);
});
