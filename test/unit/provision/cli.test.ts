/** `proxmox-iac provision` in-process against the simulator: dry run, a full run to the IP, a failing start with --cleanup, usage errors. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { RunningSimulator } from '../../../src/sim/index';
import { capturedIo, sim, simEnv, type CapturedIO } from '../pve/helpers';

let s: RunningSimulator;
let dir: string;

before(async () => {
  s = await sim({ taskDurationMs: 30 });
  dir = mkdtempSync(join(tmpdir(), 'provision-cli-'));
  writeFileSync(join(dir, 'admin.token'), `${s.tokens.admin.secret}\n`);
  writeFileSync(join(dir, 'me.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDGR7mbMKs8alVN4K1ynvqT5K3KcXdeqlV77QQS0K1qy me@laptop\n');
});
after(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const io = (): CapturedIO => capturedIo(dir, simEnv(s));

const base = ['provision', '--token-file', 'admin.token', '--template', '9003', '--agent-interval', '1'];

test('--dry-run prints the API calls and creates nothing', async () => {
  const x = io();
  assert.equal(await main([...base, '--name', 'cli-1', '--vmid', '800', '--disk', '20', '--dry-run'], x), 0, x.stderr());
  assert.match(x.stdout(), /POST \/nodes\/prom\/qemu\/9003\/clone newid=800 name=cli-1 full=1/);
  assert.match(x.stdout(), /PUT \/nodes\/prom\/qemu\/800\/resize disk=scsi0 size=20G/);
  assert.ok(!s.state.guests.has(800));
});

test('a full run prints the VM with its cloud-init IP', async () => {
  const x = io();
  const code = await main([...base, '--name', 'cli-2', '--vmid', '801', '--cores', '2', '--memory', '2048', '--ciuser', 'ops', '--ssh-key-file', 'me.pub', '--ip', 'ip=10.9.0.7/24,gw=10.9.0.1'], x);
  assert.equal(code, 0, x.stderr());
  const r = JSON.parse(x.stdout()) as { ip: string; vm: { vmid: number } };
  assert.equal(r.ip, '10.9.0.7');
  assert.match(x.stderr(), /1\/4 clone: .*\n2\/4 configure: .*\n3\/4 start: .*\n4\/4 agent: /);
  assert.equal(decodeURIComponent(String(s.state.guests.get(801)!.config.sshkeys)), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDGR7mbMKs8alVN4K1ynvqT5K3KcXdeqlV77QQS0K1qy me@laptop');
});

test('a failing start names the step; --cleanup deletes the partial VM', async () => {
  s.state.injectTaskFailure({ type: 'qmstart', vmid: 802, exitstatus: 'start failed: QEMU exited with code 1' });
  const x = io();
  assert.equal(await main([...base, '--name', 'cli-3', '--vmid', '802', '--cleanup'], x), 1);
  assert.match(x.stderr(), /Failed at step "start".*QEMU exited with code 1.*VM 802 exists on node prom \(stopped\)/);
  assert.match(x.stderr(), /deleted the partial VM 802/);
  assert.ok(!s.state.guests.has(802));
});

test('usage errors: a used or read-only VMID, a bad name, a missing template', async () => {
  const cases: [string[], RegExp][] = [
    [['--name', 'x-1', '--vmid', '104'], /already used by "Doc1"/],
    [['--name', 'x-1', '--vmid', '151', '--readonly-vmids', '151'], /read-only/],
    [['--name', 'X_1', '--vmid', '803'], /not a valid name/],
    [['--name', 'x-1', '--vmid', '803', '--ip', 'ip=10.0.0.1'], /prefix length/],
    [['--name', 'x-1', '--vmid', '803', '--vmid-range', '100-199'], /outside the allowed ranges/],
  ];
  for (const [extra, re] of cases) {
    const x = io();
    assert.equal(await main([...base, ...extra], x), 2, extra.join(' '));
    assert.match(x.stderr(), re);
  }
  const x = io();
  assert.equal(await main(['provision', '--token-file', 'admin.token', '--template', '104', '--name', 'y'], x), 2);
  assert.match(x.stderr(), /VM 104 \(Doc1\) is not a template/);
});
