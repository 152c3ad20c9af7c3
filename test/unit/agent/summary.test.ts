import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summaryOfAnswers, summaryOfReport } from '../../../src/core/agent/summary';
import type { AgentReport } from '../../../src/core/agent/state';
import { guestTooltip } from '../../../src/core/explorer';
import { AgentCommandError, AgentNotConfiguredError, AgentNotRunningError, AgentTimeoutError, PermissionError } from '../../../src/core/pve/errors';
import type { AgentInterface, AgentOsInfo } from '../../../src/core/pve/types';
import { guest } from '../explorer/fixtures';

const ok = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });
const failed = <T>(reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason });

const nics: AgentInterface[] = [
  { name: 'lo', addresses: [{ address: '127.0.0.1', family: 'ipv4', prefix: 8 }, { address: '::1', family: 'ipv6', prefix: 128 }] },
  { name: 'eth0', mac: 'bc:24:11:00:00:68', addresses: [{ address: '10.0.1.29', family: 'ipv4', prefix: 24 }, { address: 'fe80::be24:11ff:fe00:68', family: 'ipv6', prefix: 64 }] },
] as AgentInterface[];
const nixos: AgentOsInfo = { id: 'nixos', name: 'NixOS', prettyName: 'NixOS 25.05 (Warbler)' };

/** The labelled lines of a tooltip (`- Label: value`) as the reader sees them (Markdown escapes removed), as a map. */
function fields(md: string): Record<string, string> {
  return Object.fromEntries(
    md
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .map((l) => [l.slice(2, l.indexOf(':')), l.slice(l.indexOf(':') + 2).replace(/\\(.)/g, '$1')]),
  );
}

test('the explorer’s own answers: an agent that answers shows its OS and its addresses, loopback and link-local left out', () => {
  const s = summaryOfAnswers(ok(nics), ok(nixos), 1);
  assert.deepEqual(s, { state: 'answering', hint: '', os: 'NixOS 25.05 (Warbler)', ips: ['10.0.1.29'], checkedAt: 1, source: 'explorer' });
});

test('the explorer’s own answers: each failure becomes the board’s state and plain-words hint', () => {
  const notRunning = summaryOfAnswers(failed(new AgentNotRunningError()), failed(new AgentNotRunningError()), 1);
  assert.equal(notRunning.state, 'not-answering');
  assert.match(notRunning.hint, /^agent enabled but not answering: install and start qemu-guest-agent in the guest/);
  assert.deepEqual(notRunning.ips, []);
  assert.match(summaryOfAnswers(failed(new AgentTimeoutError('network-get-interfaces')), ok(nixos), 1).hint, /^agent enabled but timed out/);
  assert.match(summaryOfAnswers(failed(new AgentNotConfiguredError()), failed(new AgentNotConfiguredError()), 1).hint, /^agent not enabled: set `agent: 1`/);
  assert.match(summaryOfAnswers(failed(new PermissionError('Permission check failed (/vms/104, VM.GuestAgent.Audit)', undefined)), ok(nixos), 1).hint, /VM\.GuestAgent\.Audit \(PVE 9\) \/ VM\.Monitor \(PVE 8\)/);
  const old = summaryOfAnswers(ok(nics), failed(new AgentCommandError('get-osinfo', 'The command guest-get-osinfo has not been found', 'CommandNotFound')), 1);
  assert.equal(old.state, 'unsupported');
  assert.match(old.hint, /^the agent does not support this command \(get-osinfo\)/);
  assert.deepEqual([old.os, old.ips], [undefined, ['10.0.1.29']]);
});

test('the board’s report: state, hint, OS, host name and addresses; an unchecked guest gives nothing', () => {
  const report: AgentReport = { vmid: 116, node: 'prom', name: 'tofu-web-1', status: 'running', agentEnabled: true, clonedFrom: 9002, state: 'not-answering', reason: 'not-running', unsupported: [], misses: 2, checkedAt: 5 };
  const s = summaryOfReport(report)!;
  assert.equal(s.source, 'board');
  assert.match(s.hint, /bake it into template 9002 — clones of this template never answer/);
  assert.equal(summaryOfReport({ ...report, state: 'unchecked' }), undefined);
  const doc1 = summaryOfReport({ ...report, state: 'answering', osName: 'NixOS 25.05 (Warbler)', hostname: 'proxmox-vm', interfaces: nics })!;
  assert.deepEqual([doc1.hint, doc1.os, doc1.hostname, doc1.ips], ['', 'NixOS 25.05 (Warbler)', 'proxmox-vm', ['10.0.1.29']]);
});

test('guest tooltip: the agent’s lines, the hint only when it is not well, none for a stopped guest or a template', () => {
  const vm = guest(104, { name: 'Doc1', status: 'running' });
  const answering = fields(guestTooltip(vm, { agent: summaryOfAnswers(ok(nics), ok(nixos), Date.UTC(2026, 11, 2, 17, 0, 0)) }));
  assert.match(answering['Guest agent'], /^answering, checked \S+/);
  assert.equal(answering.Hint, undefined);
  assert.equal(answering.OS, 'NixOS 25.05 (Warbler)');
  assert.equal(answering['IP addresses'], '10.0.1.29');
  const silent = fields(guestTooltip(vm, { agent: summaryOfAnswers(failed(new AgentNotRunningError()), failed(new AgentNotRunningError()), 1) }));
  assert.match(silent['Guest agent'], /^not answering/);
  assert.match(silent.Hint, /^agent enabled but not answering: install and start qemu-guest-agent in the guest/);
  assert.equal(silent['IP addresses'], undefined);
  const board = summaryOfReport({ vmid: 104, node: 'prom', name: 'Doc1', status: 'stopped', state: 'stopped', unsupported: [], misses: 0 })!;
  assert.equal(fields(guestTooltip(guest(104, { status: 'stopped' }), { agent: board }))['Guest agent'], undefined);
  assert.deepEqual(fields(guestTooltip(vm, { ips: ['10.0.0.1'] }))['IP addresses'], '10.0.0.1', 'addresses alone, as before, without an agent summary');
});
