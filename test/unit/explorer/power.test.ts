import assert from 'node:assert/strict';
import { test } from 'node:test';
import { powerAppliesTo, powerConfirmation, powerNotApplicable } from '../../../src/core/explorer/power';
import type { PowerAction } from '../../../src/core/pve/types';
import { guest } from './fixtures';

const web = guest(101, { name: 'web', node: 'pve2' });

test('shut down, reboot and suspend ask one question naming the guest and its node', () => {
  assert.deepEqual(
    (['shutdown', 'reboot', 'suspend'] as const).map((a) => [powerConfirmation(a, web, true)?.message, powerConfirmation(a, web, true)?.button]),
    [
      ['Shut down web (VMID 101) on node pve2?', 'Shut Down'],
      ['Reboot web (VMID 101) on node pve2?', 'Reboot'],
      ['Suspend web (VMID 101) on node pve2?', 'Suspend'],
    ],
  );
  assert.match(powerConfirmation('suspend', web, true)!.detail, /until it is resumed \(Resume in its menu\)/);
  assert.match(powerConfirmation('stop', web, true)!.detail, /web \(VMID 101\) on node pve2; unsaved data in the guest is lost/);
});

test('the setting turns the question off for shut down and reboot only; start and resume never ask', () => {
  assert.equal(powerConfirmation('shutdown', web, false), undefined);
  assert.equal(powerConfirmation('reboot', web, false), undefined);
  assert.ok(powerConfirmation('suspend', web, false), 'suspend stopped asking');
  assert.ok(powerConfirmation('stop', web, false), 'stop stopped asking');
  assert.equal(powerConfirmation('start', web, true), undefined);
  assert.equal(powerConfirmation('resume', web, true), undefined);
});

test('a paused VM offers Resume and Stop, not Suspend again; a running one the opposite', () => {
  const actions: PowerAction[] = ['start', 'shutdown', 'stop', 'reboot', 'suspend', 'resume'];
  const offered = (g: typeof web): PowerAction[] => actions.filter((a) => powerAppliesTo(a, g));
  assert.deepEqual(offered(guest(1, { status: 'paused' })), ['stop', 'resume']);
  assert.deepEqual(offered(guest(1, { status: 'suspended' })), ['stop', 'resume']);
  assert.deepEqual(offered(guest(1, { status: 'running' })), ['shutdown', 'stop', 'reboot', 'suspend']);
  assert.deepEqual(offered(guest(1, { status: 'stopped' })), ['start']);
  assert.deepEqual(offered(guest(1, { status: 'running', type: 'lxc' })), ['shutdown', 'stop', 'reboot']);
  assert.deepEqual(offered(guest(1, { status: 'stopped', template: true })), []);
});

test('an action that does not apply says why and what to do instead', () => {
  assert.equal(powerNotApplicable('suspend', guest(7, { name: 'db', status: 'paused' })), 'db (VMID 7) is paused. Resume it first (Resume in its menu), or Stop it.');
  assert.equal(powerNotApplicable('start', guest(7, { name: 'db', status: 'running' })), 'db (VMID 7) is already running.');
  assert.equal(powerNotApplicable('resume', guest(7, { name: 'db', status: 'running' })), 'db (VMID 7) is running, so "Resume" does not apply.');
  assert.match(powerNotApplicable('start', guest(7, { template: true, status: 'stopped' }))!, /is a template; templates cannot be started/);
  assert.equal(powerNotApplicable('shutdown', web), undefined);
});
