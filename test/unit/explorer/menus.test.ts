import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync(nodePath.join(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { menus: Record<string, { command: string; group?: string; when?: string }[]>; configuration: { properties: Record<string, { type: string; default: unknown }> } };
};
const DESTRUCTIVE = ['proxmoxIac.guest.stop', 'proxmoxIac.guest.convertToTemplate', 'proxmoxIac.guest.delete', 'proxmoxIac.snapshot.rollback', 'proxmoxIac.snapshot.delete'];

test('destructive actions sit in their own group at the end of each row menu, and only they do', () => {
  const entries = pkg.contributes.menus['view/item/context'].filter((e) => !e.group?.startsWith('inline'));
  for (const e of entries) {
    const group = (e.group ?? '').split('@')[0];
    if (DESTRUCTIVE.includes(e.command)) assert.equal(group, '9_destructive', `${e.command} is in ${group}`);
    else assert.notEqual(group, '9_destructive', `${e.command} is among the destructive actions`);
  }
  for (const c of DESTRUCTIVE) assert.ok(entries.some((e) => e.command === c), `${c} is in no menu`);
});

test('the inline button on running rows is Shut Down (which asks first); suspend is offered only on running VMs, resume only on paused ones', () => {
  const inline = pkg.contributes.menus['view/item/context'].filter((e) => e.group?.startsWith('inline'));
  assert.ok(inline.some((e) => e.command === 'proxmoxIac.guest.shutdown' && /\brunning\b/.test(e.when ?? '')));
  const menu = pkg.contributes.menus['view/item/context'];
  const suspend = menu.find((e) => e.command === 'proxmoxIac.guest.suspend')!;
  assert.match(suspend.when!, /running/);
  assert.doesNotMatch(suspend.when!, /paused|suspended/);
  assert.ok(menu.filter((e) => e.command === 'proxmoxIac.guest.resume').every((e) => /paused/.test(e.when!) && !/\)running/.test(e.when!)));
});

test('a setting turns the Shut Down / Reboot confirmation off; it is on by default', () => {
  const s = pkg.contributes.configuration.properties['proxmoxIac.explorer.confirmPowerActions'];
  assert.deepEqual([s.type, s.default], ['boolean', true]);
});
