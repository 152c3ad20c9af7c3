// "Build template" (seed 000's flow) in real VS Code, against the simulator and a real sshd (template-host.ts):
// the stand-in `nix build .#proxmox-template` leaves a small archive in result/, the task uploads it over SFTP,
// and the fake qmrestore / qm on the server's PATH make the simulator restore it and turn it into a template.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PveApi } from '../../../src/core/pve/api';
import { activateExtension, domClick, domTexts, screenshot, selectors, sleep, waitForDomText, waitForNotification } from '../harness';
import { argvLog, wsFile } from './util';

interface FakeCall {
  prog: string;
  argv: string[];
}

function fakeCalls(): FakeCall[] {
  const file = process.env.PROXMOX_IAC_TEST_FAKE_CALLS;
  assert.ok(file, 'PROXMOX_IAC_TEST_FAKE_CALLS is not set: run this suite through scripts/test-integration.mjs');
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeCall);
}

function clearFakeCalls(): void {
  fs.writeFileSync(process.env.PROXMOX_IAC_TEST_FAKE_CALLS!, '');
}

const ROWS = '.xterm-rows > div';

/**
 * Everything the task's terminal shows once `last` is on screen: the DOM renderer (on for this suite) keeps only
 * the visible rows, so this pages up to the run's first line, one screen at a time. Rows of a screen are
 * joined without a separator, so a line the terminal wrapped reads whole again.
 */
async function terminalShows(last: RegExp, timeoutMs = 180_000): Promise<string> {
  await waitForDomText(ROWS, last, timeoutMs);
  await vscode.commands.executeCommand('workbench.action.terminal.scrollToBottom');
  const screens: string[] = [];
  let rows = await domTexts(ROWS);
  for (let page = 0; page < 20; page++) {
    screens.unshift(rows.join(''));
    if (rows.some((r) => /Template for node /.test(r))) break;
    const before = rows.join('\n');
    await vscode.commands.executeCommand('workbench.action.terminal.scrollUpPage');
    const until = Date.now() + 5_000;
    while ((rows = await domTexts(ROWS)).join('\n') === before && Date.now() < until) await sleep(50);
    if (rows.join('\n') === before) break; // at the top
  }
  return screens.join('\n').replace(/\u00a0/g, ' ');
}

describe('Build template against the simulator over a real SSH server', function () {
  this.timeout(300_000);
  let pve: PveApi;
  let built: number;

  before(async () => {
    const api = await activateExtension();
    const explorer = api?.explorer;
    assert.ok(explorer, 'the extension did not activate');
    const connection = explorer.store.active();
    assert.ok(connection, 'the suite configures a connection to the simulator');
    pve = await explorer.pool.get(connection);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('builds, uploads, restores and templates with each step shown, then writes templateVmid into hosts.nix (screenshot)', async () => {
    const free = await pve.nextId();
    clearFakeCalls();
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>('proxmoxIac.buildTemplate', { file: wsFile('golden/hosts.nix') });
    assert.equal(execution?.task.name, 'Build template golden (Terranix)');
    const offer = await waitForNotification(`Template ${free} ("nixos-fake") is ready on prom.`, 180_000);
    assert.equal(offer, `Template ${free} ("nixos-fake") is ready on prom. Set templateVmid = ${free} in hosts.nix?`);
    // Each step, in the task's terminal.
    const shown = await terminalShows(new RegExp(`Template ${free} \\("nixos-fake"\\) is ready on prom\\.`));
    for (const line of [
      '▶ 1/5 Build: ',
      '✓ result/vzdump-qemu-nixos-fake.vma.zst',
      `▶ 2/5 Upload to prom:${process.env.PROXMOX_IAC_TEST_REMOTE_DIR}/vzdump-qemu-nixos-fake.vma.zst`,
      'uploaded, sha256 checked',
      `✓ ${free} (the next free VMID)`,
      `▶ 4/5 Restore: qmrestore ${process.env.PROXMOX_IAC_TEST_REMOTE_DIR}/vzdump-qemu-nixos-fake.vma.zst ${free} --unique true --storage local-lvm`,
      `✓ VM ${free} restored on prom`,
      `▶ 5/5 Template: qm template ${free}`,
      `✓ VM ${free} is a template`,
    ]) {
      assert.ok(shown.includes(line), `the terminal does not show "${line}":\n${shown}`);
    }
    await vscode.commands.executeCommand('workbench.action.terminal.scrollToBottom');
    await screenshot('tasks-build-template');
    // The build ran in the workspace's folder with the default command; the template is in the cluster.
    assert.deepEqual(argvLog().filter((a) => a[0] === 'nix').at(-1), ['nix', 'build', '.#proxmox-template']);
    const g = (await pve.clusterResources()).guests.find((x) => x.vmid === free);
    assert.ok(g, `VM ${free} is not in the cluster`);
    assert.equal(g.template, true, 'the restored VM is a template');
    assert.equal(g.node, 'prom');
    assert.deepEqual(
      fakeCalls().filter((c) => c.prog !== 'qm' || c.argv[0] !== 'set').map((c) => [c.prog, ...c.argv].join(' ')),
      [`qmrestore ${process.env.PROXMOX_IAC_TEST_REMOTE_DIR}/vzdump-qemu-nixos-fake.vma.zst ${free} --unique true --storage local-lvm`, `qm template ${free}`],
    );
    // "Update hosts.nix" writes the VMID through a WorkspaceEdit and saves the file.
    await domClick(selectors.notificationButtons, 'Update hosts.nix');
    const hostsNix = wsFile('golden/hosts.nix');
    const until = Date.now() + 30_000;
    while (!fs.readFileSync(hostsNix, 'utf8').includes(`templateVmid = ${free};`) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.match(fs.readFileSync(hostsNix, 'utf8'), new RegExp(`defaultStorage = "local-lvm";\\n    templateVmid = ${free};\\n  \\};`));
    built = free;
  });

  it('a second run skips the upload, the restore and the template step', async () => {
    assert.ok(built, 'the first build did not finish');
    clearFakeCalls();
    await vscode.commands.executeCommand('proxmoxIac.buildTemplate', { file: wsFile('golden/hosts.nix') });
    const ready = await waitForNotification(`Template ${built} ("nixos-fake") is ready on prom.`, 180_000);
    assert.equal(ready, `Template ${built} ("nixos-fake") is ready on prom.`, 'hosts.nix already names it: no offer');
    const shown = await terminalShows(/↷ skipped: VM \d+ is already a template of this image/);
    assert.ok(shown.includes('↷ skipped: the node already has this image (same sha256)'), shown);
    assert.ok(shown.includes(`✓ ${built} (hosts.nix templateVmid)`), shown);
    assert.ok(shown.includes(`↷ skipped: VM ${built} ("nixos-fake") was already restored from this image`), shown);
    assert.deepEqual(fakeCalls(), [], 'qmrestore or qm ran again');
  });

  it('never restores over an existing guest: templateVmid 9002 (another template) stops the run at the VMID step', async () => {
    clearFakeCalls();
    await vscode.commands.executeCommand('proxmoxIac.buildTemplate', { file: wsFile('fleet/hosts.nix') });
    const error = await waitForNotification('Build template fleet (Terranix) stopped at the vmid step', 180_000);
    assert.match(error, /VMID 9002 \(hosts\.nix templateVmid\) is already the template "ubuntu-cloud-template" on prom, not one built from this image/);
    await terminalShows(/✗ VMID 9002/);
    assert.deepEqual(fakeCalls(), [], 'qmrestore or qm ran');
    assert.equal((await pve.clusterResources()).guests.find((x) => x.vmid === 9002)?.name, 'ubuntu-cloud-template');
    assert.match(fs.readFileSync(wsFile('fleet/hosts.nix'), 'utf8'), /templateVmid = 9002;/, 'hosts.nix untouched');
  });
});
