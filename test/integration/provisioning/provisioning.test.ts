import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, domClick, domPressKey, domTexts, domType, EXTENSION_ID, repoRoot, screenshot, selectors, sleep, waitForDomText, waitForNotification, workspaceDir } from '../harness';
import type { ProvisionCommandResult } from '../../../src/vscode/provisioning';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { validateNixFile } from '../../../src/core/iac/nix/index';

const TITLE = 'Provision VM from Template';
const qi = {
  title: '.quick-input-widget .quick-input-title',
  rows: '.quick-input-widget .quick-input-list .monaco-list-row',
  message: '.quick-input-widget .quick-input-message',
};
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILnyd2niY8ht8KRea6M6y+TBx08F7zRdhBlKjk7aywMT ci@example';

interface GuestInfo {
  readonly exists: boolean;
  readonly status?: string;
  readonly config?: Record<string, string | number>;
}

async function control<T>(p: string, body?: unknown): Promise<T> {
  const base = process.env.PROXMOX_IAC_TEST_SIM_CONTROL;
  if (!base) throw new Error('PROXMOX_IAC_TEST_SIM_CONTROL is not set: run this suite through scripts/test-integration.mjs');
  const res = await fetch(`${base}${p}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`control ${p}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

const guest = (vmid: number): Promise<GuestInfo> => control<GuestInfo>(`/guest/${vmid}`);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function step(n: number): Promise<void> {
  await waitForDomText(qi.title, `${TITLE} (${n}/12)`, 60_000);
}

/** Types into the open QuickInput, replacing what it holds. */
async function typeInto(text: string): Promise<void> {
  await domPressKey('Control+A');
  await domType(text);
}

describe('Provisioning', function () {
  this.timeout(240_000);

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension exported no explorer');
  });

  // A failed step leaves its quick pick open; the next test starts without it.
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('the wizard, driven step by step, provisions a VM with the asked config and cloud-init and ends with its IP', async () => {
    const running = vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm');
    await step(1);
    await typeInto('prom');
    await waitForDomText(qi.rows, 'Demo cluster · prom');
    await domPressKey('Enter');
    await step(2);
    // The template list says what each template can do.
    await waitForDomText(qi.rows, /9003 nixos-template[\s\S]*guest agent enabled[\s\S]*cloud-init drive/);
    await waitForDomText(qi.rows, /9002 ubuntu-cloud-template[\s\S]*no guest agent/);
    await screenshot('wizard-template');
    await typeInto('9003');
    await domPressKey('Enter');
    await step(3);
    await typeInto('Web_1');
    await waitForDomText(qi.message, 'is not a valid name');
    await typeInto('dev');
    await waitForDomText(qi.message, 'already used');
    await typeInto('web-1');
    await domPressKey('Enter');
    await step(4);
    // The suggestion is prefilled; a read-only VMID (from the setting) and a used one are refused.
    await typeInto('151');
    await waitForDomText(qi.message, /read-only.*proxmoxIac\.readonlyVmids/);
    await typeInto('105');
    await waitForDomText(qi.message, /already used by "homeassistant" on node prom/);
    // 104 is declared imported (read-only) in vms/definitions.nix.
    await typeInto('104');
    await waitForDomText(qi.message, /VMID 104 is read-only \(declared read-only in vms\/definitions\.nix:\d+\)/);
    // Back goes to the name with the answer kept.
    await domClick('.quick-input-widget .quick-input-left-action-bar .action-label');
    await step(3);
    // Enter with an empty box would be refused ("Enter a name"): the kept answer carries on.
    await domPressKey('Enter');
    await step(4);
    await typeInto('720');
    await domPressKey('Enter');
    await step(5);
    // Site-config presets are offered; vm-small's 10 GiB disk would shrink the template's 16 GiB.
    await waitForDomText(qi.rows, /vm-medium/);
    await waitForDomText(qi.rows, /vm-small[\s\S]*cannot shrink/);
    await screenshot('wizard-size');
    await typeInto('2 2048 32');
    await waitForDomText(qi.rows, '2 cores · 2048 MiB · 32 GiB');
    await domPressKey('Enter');
    await step(6);
    await waitForDomText(qi.rows, /nvmeprom[\s\S]*GiB free/);
    await typeInto('nvmeprom');
    await domPressKey('Enter');
    await step(7);
    await typeInto('debian');
    await domPressKey('Enter');
    await step(8);
    await typeInto('No SSH keys');
    await domPressKey('Enter');
    await step(9);
    await typeInto('ip=192.168.1.50/24,gw=192.168.1.1');
    await waitForDomText(qi.rows, 'ip=192.168.1.50/24,gw=192.168.1.1');
    await domPressKey('Enter');
    await step(10);
    await typeInto('1.1.1.1 9.9.9.9');
    await domPressKey('Enter');
    await step(11);
    await waitForDomText(qi.rows, /Linked clone[\s\S]*Not with nvmeprom chosen/);
    await domPressKey('Enter');
    await waitForDomText(qi.title, `${TITLE}: confirm`);
    await waitForDomText(qi.rows, /Provision/);
    await screenshot('wizard-summary');
    await domPressKey('Enter');
    const outcome = await running;
    assert.ok(outcome && 'ok' in outcome && outcome.ok, `provisioning failed: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.result.ip, '192.168.1.50');
    await waitForNotification('VM 720 "web-1" is running at 192.168.1.50.', 60_000);
    await waitForDomText(selectors.notificationButtons, 'Open SSH Terminal');
    await waitForDomText(selectors.notificationButtons, 'Copy IP');
    await waitForDomText(selectors.notificationButtons, 'Reveal in Explorer');
    await screenshot('provisioned');
    const g = await guest(720);
    assert.equal(g.status, 'running');
    assert.equal(g.config?.name, 'web-1');
    assert.equal(String(g.config?.cores), '2');
    assert.equal(String(g.config?.memory), '2048');
    assert.equal(g.config?.ciuser, 'debian');
    assert.equal(g.config?.ipconfig0, 'ip=192.168.1.50/24,gw=192.168.1.1');
    assert.equal(g.config?.nameserver, '1.1.1.1 9.9.9.9');
    assert.match(String(g.config?.scsi0), /^nvmeprom:vm-720-disk-0,.*size=32G/);
  });

  it('as a command with arguments: SSH keys URL-encoded, DHCP address from the agent, and a dry run that makes no call', async () => {
    const dry = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm', { connection: 'demo', template: 9003, name: 'api-1', vmid: 721, dryRun: true });
    assert.ok(dry && 'dryRun' in dry);
    assert.ok(dry.dryRun.includes('   POST /nodes/prom/qemu/9003/clone newid=721 name=api-1 full=1'), dry.dryRun.join('\n'));
    assert.equal((await guest(721)).exists, false, 'the dry run created the VM');
    const out = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm', { connection: 'demo', template: 9003, name: 'api-1', vmid: 721, ciuser: 'ops', sshKeys: [KEY] });
    assert.ok(out && 'ok' in out && out.ok, JSON.stringify(out));
    assert.match(out.result.ip ?? '', /^10\.0\.\d+\.\d+$/);
    const g = await guest(721);
    assert.equal(g.config?.sshkeys, encodeURIComponent(KEY));
    assert.equal(g.config?.ipconfig0, 'ip=dhcp');
  });

  it('a failure at the start step names the step, says what exists, and the offered cleanup deletes the VM', async () => {
    await control('/fail-start', { vmid: 722 });
    const running = vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm', { connection: 'demo', template: 9003, name: 'broken-1', vmid: 722 });
    await waitForNotification(/Failed at step "start".*QEMU exited with code 1.*VM 722 exists on node prom \(stopped\)/, 60_000);
    await screenshot('start-failed');
    await waitFor('the VM to exist before cleanup', async () => (await guest(722)).exists);
    await domClick(selectors.notificationButtons, 'Delete Partial VM 722');
    const outcome = await running;
    assert.ok(outcome && 'ok' in outcome && !outcome.ok);
    assert.equal(outcome.step, 'start');
    assert.equal(outcome.cleaned, true);
    assert.equal((await guest(722)).exists, false);
    await waitForNotification('Deleted the partial VM 722');
  });

  it('write-back into a manifest and hosts.nix keeps comments and leaves valid files', async () => {
    const root = workspaceDir();
    const manifest = path.join(root, 'site-config/manifests/n2-push.yaml');
    const hosts = path.join(root, 'nixos-fleet/hosts.nix');
    const manifestBefore = fs.readFileSync(manifest, 'utf8');
    const hostsBefore = fs.readFileSync(hosts, 'utf8');
    const a = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm', {
      connection: 'demo', template: 9001, name: 'edge-2', vmid: 99031, writeOnly: true,
      writeBack: { file: 'site-config/manifests/n2-push.yaml', parent: 'root-pve', image: 'debian-12' },
    });
    assert.ok(a && 'written' in a, JSON.stringify(a));
    assert.equal((await guest(99031)).exists, false, 'write-only must not clone');
    const m = fs.readFileSync(manifest, 'utf8');
    assert.ok(m.startsWith(manifestBefore.trimEnd()), 'the manifest before the new node is unchanged');
    assert.match(m, /\n {2}- name: edge-2\n {4}type: vm\n {4}image: debian-12\n {4}vmid: 99031\n {4}parent: root-pve\n$/);
    const service = createLanguageService(nodeFileSource(), { workspaceRoots: [root] });
    const errors = (await service.validate(manifest, m)).filter((d) => d.severity === 'error');
    assert.deepEqual(errors, []);

    const b = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm', {
      connection: 'demo', template: 9003, name: 'web-2', vmid: 170, cores: 2, memory: 2048, diskGiB: 32, storage: 'nvmeprom', writeOnly: true,
      writeBack: { file: 'nixos-fleet/hosts.nix' },
    });
    assert.ok(b && 'written' in b, JSON.stringify(b));
    const h = fs.readFileSync(hosts, 'utf8');
    for (const line of hostsBefore.split('\n').filter((l) => l.trim().startsWith('#'))) assert.ok(h.includes(line), `comment lost: ${line}`);
    assert.match(h, /web-2 = \{\n {4}hostname = "web-2";\n {4}proxmox = \{\n {6}vmid = 170;\n {6}cores = 2;\n {6}memory = 2048;\n {6}disk = "32G";\n {6}storage = "nvmeprom";/);
    assert.deepEqual((await validateNixFile(hosts, h)).filter((d) => d.severity === 'error'), []);
    await screenshot('write-back-hosts-nix');
  });

  it('"Provision" from a hosts.nix host: its lens, a dry run, then the host\'s declared VM cloned from _proxmox.templateVmid', async () => {
    // web-2 was written into hosts.nix by the write-back test: vmid 170, 2 cores, 2048 MiB, 32G on nvmeprom.
    const hosts = path.join(workspaceDir(), 'nixos-fleet/hosts.nix');
    const doc = await vscode.workspace.openTextDocument(hosts);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
    const lens = lenses.find((l) => l.command?.command === 'proxmoxIac.provisionFromHostsNixHost' && (l.command.arguments?.[0] as { host?: string } | undefined)?.host === 'web-2');
    assert.ok(lens?.command, `no "Provision" lens on web-2: ${lenses.map((l) => l.command?.title).join(', ')}`);
    assert.equal(lens.command.title, 'Provision');
    assert.deepEqual(lens.command.arguments?.[0], { file: hosts, host: 'web-2', confirm: true });
    const wizardLens = lenses.find((l) => l.command?.command === 'proxmoxIac.provisionVm');
    assert.equal(wizardLens?.command?.title, 'Provision VM from Template…');
    assert.equal(doc.lineAt(wizardLens.range.start.line).text.trim(), '_proxmox = {', 'the wizard lens sits on _proxmox');

    const dry = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionFromHostsNixHost', { file: hosts, host: 'web-2', connection: 'demo', dryRun: true });
    assert.ok(dry && 'dryRun' in dry, JSON.stringify(dry));
    assert.ok(dry.dryRun.some((l) => /POST \/nodes\/prom\/qemu\/9003\/clone newid=170 name=web-2 full=1/.test(l)), dry.dryRun.join('\n'));
    assert.equal((await guest(170)).exists, false, 'the dry run created the VM');

    const out = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionFromHostsNixHost', { file: hosts, host: 'web-2', connection: 'demo' });
    assert.ok(out && 'ok' in out && out.ok, JSON.stringify(out));
    assert.match(out.result.ip ?? '', /^10\.0\.\d+\.\d+$/);
    const g = await guest(170);
    assert.equal(g.status, 'running');
    assert.equal(g.config?.name, 'web-2');
    assert.equal(String(g.config?.cores), '2');
    assert.equal(String(g.config?.memory), '2048');
    assert.match(String(g.config?.scsi0), /^nvmeprom:vm-170-disk-0,.*size=32G/);
    await waitForNotification('VM 170 "web-2" is running at', 60_000);

    // An imported host (cloneFromTemplate = false) is never provisioned, and nothing is cloned for it.
    const refused = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionFromHostsNixHost', { file: hosts, host: 'igpu', connection: 'demo' });
    assert.ok(refused && 'ok' in refused && !refused.ok);
    assert.match(refused.error ?? '', /igpu is an imported VM \(`cloneFromTemplate = false`\)/);
    await waitForNotification(/Provision from hosts\.nix Host: igpu is an imported VM/);
  });

  it('write-back into a copy of a real talos nodes.yaml keeps its comments and leaves a valid file', async () => {
    const root = workspaceDir();
    const nodes = path.join(root, 'talos-cluster/nodes.yaml');
    const real = fs.readFileSync(path.join(repoRoot(), 'test/fixtures/real/talos-cluster/2026-01-23-c999e057/nodes.yaml'), 'utf8');
    const before = `# talos nodes of the demo cluster (a copy of talos-cluster's CI test file)\n${real}`;
    fs.writeFileSync(nodes, before);
    const schematic = '376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba';
    const r = await vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm', {
      connection: 'demo', template: 9003, name: 'k8s-2', vmid: 230, cores: 4, memory: 8192, diskGiB: 64, writeOnly: true,
      writeBack: { file: 'talos-cluster/nodes.yaml', address: '10.10.10.102', macAddr: '00:00:00:00:00:02', schematicId: schematic, controller: false },
    });
    assert.ok(r && 'written' in r, JSON.stringify(r));
    assert.equal((await guest(230)).exists, false, 'write-only must not clone');
    const after = fs.readFileSync(nodes, 'utf8');
    assert.ok(after.startsWith(before.trimEnd()), 'the nodes before the new one are unchanged, comments included');
    const added = after.slice(before.trimEnd().length);
    for (const line of ['- name: k8s-2', 'address: 10.10.10.102', 'controller: false', 'mac_addr: 00:00:00:00:00:02', `schematic_id: ${schematic}`, 'vm_id: 230', 'vm_cores: 4', 'vm_memory: 8192', 'vm_disk_size: 64']) {
      assert.ok(added.includes(line), `the new node lacks "${line}":\n${added}`);
    }
    const service = createLanguageService(nodeFileSource(), { workspaceRoots: [root] });
    const errors = (await service.validate(nodes, after)).filter((d) => d.severity === 'error');
    assert.deepEqual(errors, []);
    await screenshot('write-back-talos-nodes');
  });

  it('the wizard from the explorer\'s template menu: template preselected, SSH keys from a file the user picks', async () => {
    const contributes = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } } | undefined)?.contributes;
    assert.ok(contributes?.menus['view/item/context'].some((m) => m.command === 'proxmoxIac.provisionVm' && /viewItem =~ \/\^guest qemu template/.test(m.when ?? '')), 'no "Provision VM from Template…" on template rows');
    const api = await activateExtension();
    const provider = api!.explorer!.provider;
    // The Proxmox view open and the demo connection listed, as a user sees it before right-clicking a template.
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    await provider.getChildren();
    await provider.getChildren(provider.element('conn:demo'));
    const session = provider.stateOf('conn:demo');
    assert.ok(session, 'the demo connection has no session after listing the roots');
    await provider.refreshConnection(session);
    const rowId = await waitFor('the template row of 9003', async () => {
      await provider.requestRefresh(0);
      for (const s of provider.connectionStates()) {
        for (const [id, row] of s.subtree?.rows ?? []) {
          if (row.kind === 'guest' && row.guestId && s.subtree?.guests.get(row.guestId)?.vmid === 9003) return id;
        }
      }
      return undefined;
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
    const good = path.join(dir, 'id_test.pub');
    const bad = path.join(dir, 'notes.pub');
    fs.writeFileSync(good, `${KEY}\n`);
    fs.writeFileSync(bad, 'not a key\n');
    const running = vscode.commands.executeCommand<ProvisionCommandResult>('proxmoxIac.provisionVm', { id: rowId });
    await step(1);
    await domPressKey('Enter');
    await step(2);
    // Preselected: Enter takes the template the menu was opened on.
    await domPressKey('Enter');
    await step(3);
    await typeInto('key-test');
    await domPressKey('Enter');
    await step(4);
    await typeInto('723');
    await domPressKey('Enter');
    await step(5);
    await typeInto('2 2048 32');
    await waitForDomText(qi.rows, '2 cores · 2048 MiB · 32 GiB');
    await domPressKey('Enter');
    await step(6);
    await domPressKey('Enter');
    await step(7);
    await domPressKey('Enter');
    await step(8);
    const pickFile = async (file: string) => {
      await typeInto('Choose a public key file');
      await domPressKey('Enter');
      // VS Code's own file dialog in the browser: a quick input holding a path.
      await waitFor('the file dialog', async () => !(await domTexts(qi.title)).some((t) => t.includes(`${TITLE} (8/12)`)) || undefined);
      // The dialog fills in its starting folder once it has listed it; a path typed before that is overwritten.
      await waitForDomText(qi.rows, '..');
      await typeInto(file);
      // The dialog checks the typed path before Enter accepts it: wait until it lists that file.
      await waitForDomText(qi.rows, path.basename(file));
      await domPressKey('Enter');
    };
    await pickFile(bad);
    // Back at the key step (the warning is checked at the end: on VS Code 1.139 reading it opens the
    // Notifications center, which would take the keyboard from the quick input).
    await step(8);
    await pickFile(good);
    await step(9);
    await domPressKey('Enter');
    await step(10);
    await domPressKey('Enter');
    await step(11);
    await domPressKey('Enter');
    await waitForDomText(qi.title, `${TITLE}: confirm`);
    await waitForDomText(qi.rows, /1 SSH key\(s\)/);
    await typeInto('Dry run');
    await domPressKey('Enter');
    const outcome = await running;
    assert.ok(outcome && 'dryRun' in outcome, JSON.stringify(outcome));
    assert.ok(outcome.dryRun.some((l) => l.includes('/nodes/prom/qemu/9003/clone newid=723 name=key-test')), outcome.dryRun.join('\n'));
    assert.ok(outcome.dryRun.some((l) => l.includes(`sshkeys=${encodeURIComponent(KEY)}`)), `the picked key is in the cloud-init config:\n${outcome.dryRun.join('\n')}`);
    assert.equal((await guest(723)).exists, false);
    await waitForNotification('notes.pub holds no OpenSSH public key');
  });
});
