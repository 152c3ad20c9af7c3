import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, screenshot, selectors, waitFor, waitForDomText, waitForNotification } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import type { Element } from '../../../src/vscode/explorer/provider';
import { answering, ENTER, type Prompt } from '../shared/prompts';
import { sessionOf } from '../shared/session';

const DEMO = 'conn:demo';

let explorer: ExplorerApi;

async function control<T>(path: string): Promise<T> {
  const base = process.env.PROXMOX_IAC_TEST_SIM_CONTROL;
  if (!base) throw new Error('PROXMOX_IAC_TEST_SIM_CONTROL is not set: run this suite through scripts/test-integration.mjs');
  const res = await fetch(`${base}${path}`);
  if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function requestLog(): Promise<string[]> {
  return (await control<{ requests: string[] }>('/requests')).requests;
}

interface Row {
  readonly el: Element;
  readonly label: string;
  readonly description: string;
  readonly icon: string;
  readonly contextValue: string;
}

async function children(el?: Element): Promise<Row[]> {
  return (await explorer.provider.getChildren(el)).map((e) => {
    const item = explorer.provider.getTreeItem(e);
    return {
      el: e,
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      icon: (item.iconPath as vscode.ThemeIcon | undefined)?.id ?? '',
      contextValue: item.contextValue ?? '',
    };
  });
}

async function nodeRow(name: string): Promise<Row> {
  const row = (await children(explorer.provider.element(DEMO))).find((r) => r.label === name && r.contextValue.startsWith('node '));
  assert.ok(row, `node "${name}" is not in the tree`);
  return row;
}

async function guestRow(name: string): Promise<Row | undefined> {
  for (const group of await children(explorer.provider.element(DEMO))) {
    const row = (await children(group.el)).find((r) => r.label === name && r.contextValue.startsWith('guest '));
    if (row) return row;
  }
  return undefined;
}

async function guest(name: string): Promise<Row> {
  const row = await guestRow(name);
  assert.ok(row, `guest "${name}" is not in the tree`);
  return row;
}


describe('explorer actions', function () {
  this.timeout(120_000);
  let state: NonNullable<ReturnType<ExplorerApi['provider']['stateOf']>>;

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    state = await sessionOf(explorer.provider, DEMO);
    await explorer.provider.refreshConnection(state);
  });

  // The clone made here is converted to a template by the next test.
  let cloneVmid = 0;

  it('clones a template: the next free VMID, the chosen name, linked, on another node; the clone shows up', async () => {
    const template = await guest('debian-12-template');
    const free = await (await explorer.provider.api(state)).nextId();
    const history = explorer.tasks.history.length;
    const prompts = await answering([ENTER, 'web-test', 'Linked clone', 'pve3'], () => vscode.commands.executeCommand('proxmoxIac.guest.clone', template.el));
    assert.deepEqual(
      prompts.map((p) => p.kind),
      ['input', 'input', 'pick', 'pick'],
    );
    const [vmidBox, nameBox, mode, node] = prompts;
    assert.equal(vmidBox.value, String(free), 'the VMID box does not suggest the next free VMID');
    assert.match(vmidBox.validate!('104') ?? '', /VMID 104 is already in use/);
    assert.match(vmidBox.validate!('12a') ?? '', /Enter a number/);
    assert.match(nameBox.validate!('web test') ?? '', /letters, digits/);
    assert.deepEqual(mode.choices, ['Linked clone', 'Full clone']);
    assert.deepEqual([...node.choices!].sort(), ['father', 'prom', 'pve3']);
    cloneVmid = free;

    const task = explorer.tasks.history[history];
    assert.ok(task, 'no task was recorded');
    assert.equal(task.ok, true, `task result: ${task.exitstatus}`);
    assert.match(task.upid ?? '', new RegExp(`:qmclone:9001:`));
    assert.ok((await requestLog()).includes('POST /nodes/father/qemu/9001/clone'));
    // The simulator holds the new guest, unlocked once the task ended, and the tree shows it under pve3.
    assert.deepEqual(await control(`/guest/${free}`), { status: 'stopped', lock: null });
    const row = await waitFor('the clone in the tree', async () => (await children((await nodeRow('pve3')).el)).find((r) => r.label === 'web-test'));
    assert.match(row.description, new RegExp(`^${free}\\b`));
    assert.equal(row.icon, 'vm-outline');
    // And in the side bar, where the user looks.
    await explorer.treeView.reveal(row.el, { select: true, focus: false });
    await waitForDomText(selectors.sideBarTreeRows, new RegExp(`^web-test.*${free}`, 's'));
    await screenshot('explorer-clone');
  });

  it('clones a container with a typed VMID on its own node: a full copy, no mode question', async () => {
    const unifi = await guest('unifi');
    const prompts = await answering(['7777', 'unifi-copy', 'father'], () => vscode.commands.executeCommand('proxmoxIac.guest.clone', unifi.el));
    assert.deepEqual(
      prompts.map((p) => p.kind),
      ['input', 'input', 'pick'],
    );
    assert.equal(explorer.tasks.history.at(-1)?.ok, true, `task result: ${explorer.tasks.history.at(-1)?.exitstatus}`);
    assert.match(explorer.tasks.history.at(-1)?.upid ?? '', /:vzclone:131:/);
    assert.deepEqual(await control('/guest/7777'), { status: 'stopped', lock: null });
    const row = await waitFor('the container clone under father', async () => (await children((await nodeRow('father')).el)).find((r) => r.label === 'unifi-copy'));
    assert.match(row.description, /^7777\b/);
    assert.equal(row.icon, 'package');
  });

  it('converts a stopped guest to a template only after confirming; it then shows as a template', async () => {
    assert.ok(cloneVmid, 'the clone test did not run');
    const clone = await guest('web-test');
    const history = explorer.tasks.history.length;
    // Declined: nothing happens.
    const declined = await answering([undefined], () => vscode.commands.executeCommand('proxmoxIac.guest.convertToTemplate', clone.el));
    assert.equal(declined.length, 1);
    assert.equal(declined[0].kind, 'confirm');
    assert.equal(declined[0].text, `Convert web-test (VMID ${cloneVmid}) to a template?`);
    assert.equal(explorer.tasks.history.length, history, 'converted without confirmation');

    await answering(['Convert to Template'], () => vscode.commands.executeCommand('proxmoxIac.guest.convertToTemplate', clone.el));
    const task = explorer.tasks.history[history];
    assert.equal(task?.ok, true, `task result: ${task?.exitstatus}`);
    assert.match(task.upid ?? '', new RegExp(`:qmtemplate:${cloneVmid}:`));
    const row = await waitFor('the template icon', async () => {
      const r = await guest('web-test');
      return r.icon === 'file-symlink-directory' ? r : undefined;
    });
    assert.match(row.description, /template/);
    assert.match(row.contextValue, /\btemplate\b/);
  });

  it('snapshots: create shows a child, rollback runs as a task, delete asks first and removes it', async () => {
    const sandbox = await guest('sandbox');
    const snapshotNames = async (): Promise<string[]> =>
      (await children((await guest('sandbox')).el)).filter((r) => r.contextValue.startsWith('snapshot ')).map((r) => r.label);
    assert.ok(!(await snapshotNames()).includes('before-test'));
    const history = explorer.tasks.history.length;

    const created = await answering(['before-test'], () => vscode.commands.executeCommand('proxmoxIac.guest.createSnapshot', sandbox.el));
    assert.equal(created[0].kind, 'input');
    assert.match(created[0].validate!('1bad') ?? '', /Start with a letter/);
    assert.equal(explorer.tasks.history[history]?.ok, true, `task result: ${explorer.tasks.history[history]?.exitstatus}`);
    assert.match(explorer.tasks.history[history].upid ?? '', /:qmsnapshot:111:/);
    await waitFor('the snapshot as a child of sandbox', async () => (await snapshotNames()).includes('before-test'));
    const snap = (await children((await guest('sandbox')).el)).find((r) => r.label === 'before-test')!;

    const rolled = await answering(['Roll Back'], () => vscode.commands.executeCommand('proxmoxIac.snapshot.rollback', snap.el));
    assert.equal(rolled[0].text, 'Roll sandbox (VMID 111) back to snapshot before-test?');
    const rollback = explorer.tasks.history[history + 1];
    assert.equal(rollback?.ok, true, `task result: ${rollback?.exitstatus}`);
    assert.match(rollback.upid ?? '', /:qmrollback:111:/);

    const snapAgain = (await children((await guest('sandbox')).el)).find((r) => r.label === 'before-test')!;
    const declined = await answering([undefined], () => vscode.commands.executeCommand('proxmoxIac.snapshot.delete', snapAgain.el));
    assert.equal(declined[0].kind, 'confirm');
    assert.equal(declined[0].text, 'Delete snapshot before-test of sandbox (VMID 111)?');
    assert.equal(explorer.tasks.history.length, history + 2, 'a snapshot was deleted without confirmation');
    assert.ok((await snapshotNames()).includes('before-test'));

    await answering(['Delete Snapshot'], () => vscode.commands.executeCommand('proxmoxIac.snapshot.delete', snapAgain.el));
    const deleted = explorer.tasks.history[history + 2];
    assert.equal(deleted?.ok, true, `task result: ${deleted?.exitstatus}`);
    assert.match(deleted.upid ?? '', /:qmdelsnapshot:111:/);
    await waitFor('the snapshot to disappear', async () => !(await snapshotNames()).includes('before-test'));
  });

  it('"Reveal in IaC File" opens the declaring file with the declaration selected', async () => {
    const rootPve = await waitFor('root-pve correlated', async () => {
      const r = await guest('root-pve');
      return /in IaC/.test(r.description) ? r : undefined;
    });
    const t = explorer.provider.guestOf(rootPve.el.id)!;
    const declarations = explorer.provider.declarationsOf(t.state, t.guest);
    assert.ok(declarations.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const prompts = await answering(declarations.length > 1 ? [vscode.workspace.asRelativePath(declarations[0].file)] : [], () =>
      vscode.commands.executeCommand('proxmoxIac.guest.revealInIac', rootPve.el),
    );
    assert.equal(prompts.length, declarations.length > 1 ? 1 : 0);
    const d = declarations[0];
    const editor = await waitFor('the declaring file to open', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath === d.file ? vscode.window.activeTextEditor : undefined,
    );
    assert.equal(editor.selection.start.line, d.range.start.line);
    assert.equal(editor.selection.start.character, d.range.start.character);
    assert.equal(editor.selection.end.line, d.range.end.line);
    assert.equal(editor.selection.end.character, d.range.end.character);
    assert.match(editor.document.getText(new vscode.Range(d.range.start.line, 0, d.range.end.line + 1, 0)), /root-pve|99011/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('SSH to a node this machine cannot reach says why, and opens no terminal that would fail', async () => {
    const opened: string[] = [];
    const sub = vscode.window.onDidOpenTerminal((t) => opened.push(t.name));
    try {
      // Node names of the simulated cluster do not resolve on this machine (as in the demo).
      await vscode.commands.executeCommand('proxmoxIac.node.ssh', (await nodeRow('pve3')).el);
      const message = await waitForNotification('Cannot open an SSH terminal to node pve3', 20_000);
      assert.match(message, /the name "pve3" does not resolve from this machine\. Add a "Host pve3" entry with its HostName \(address\) to ~\/\.ssh\/config/);
      await screenshot('node-ssh-unreachable');
    } finally {
      sub.dispose();
    }
    assert.deepEqual(opened, [], 'a terminal was opened for a node that cannot be reached');
  });

  it('opens an SSH terminal to a guest at its agent address, as argv, once it is reachable; otherwise it says why', async () => {
    // The agent reports the guest's real private address, which tests must never connect to. As a user with a
    // jump-free route would, an SSH config sends that address to 127.0.0.1: first to a port where a server
    // listens (the reachability check passes), then to one where none does. The config reaches OpenSSH through
    // an `ssh` first on PATH that adds `-F`; the terminal itself is recorded here instead of started.
    const dir = await mkdtemp(join(tmpdir(), 'proxmox-iac-ssh-'));
    const configFile = join(dir, 'config');
    const realSsh = execFileSync('sh', ['-c', 'command -v ssh'], { encoding: 'utf8' }).trim();
    await writeFile(join(dir, 'ssh'), `#!/bin/sh\nexec '${realSsh}' -F '${configFile}' "$@"\n`, { mode: 0o755 });
    const listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const open = (listener.address() as AddressInfo).port;
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const route = (port: number) => writeFile(configFile, `Host 10.0.1.29\n  HostName 127.0.0.1\n  Port ${port}\n`);
    const w = vscode.window as unknown as Record<string, unknown>;
    const createTerminal = w.createTerminal;
    const created: vscode.TerminalOptions[] = [];
    const typed: string[] = [];
    w.createTerminal = (options: vscode.TerminalOptions) => {
      created.push(options);
      return { name: options.name, show: () => undefined, sendText: (text: string) => typed.push(text), dispose: () => undefined };
    };
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    const doc1 = await guest('Doc1');
    const dev = await guest('dev');
    let refused: Prompt[];
    let noAddress: Prompt[];
    try {
      await route(open);
      await vscode.commands.executeCommand('proxmoxIac.guest.ssh', doc1.el);
      await route(closed);
      refused = await answering([], () => vscode.commands.executeCommand('proxmoxIac.guest.ssh', doc1.el));
      noAddress = await answering([], () => vscode.commands.executeCommand('proxmoxIac.guest.ssh', dev.el));
    } finally {
      w.createTerminal = createTerminal;
      process.env.PATH = path;
      listener.close();
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(created.length, 1, JSON.stringify(created));
    assert.equal(created[0].name, 'SSH Doc1');
    assert.equal(created[0].shellPath, 'ssh');
    assert.deepEqual(created[0].shellArgs, ['--', 'root@10.0.1.29']);
    assert.deepEqual(typed, [], 'text was typed into the terminal');
    // Nothing listens where the route now leads: no terminal, and a sentence with the fix.
    assert.ok(
      refused.some(
        (p) =>
          p.kind === 'warning' &&
          /^Cannot open an SSH terminal to Doc1 \(VMID \d+\) at 10\.0\.1\.29: 127\.0\.0\.1 \(127\.0\.0\.1\) port \d+ is not reachable \(the connection was refused: no SSH server listens there\)/.test(p.text),
      ),
      JSON.stringify(refused),
    );
    // dev's guest agent is not running: no terminal, and a message with the fix.
    assert.ok(
      noAddress.some((p) => p.kind === 'warning' && /The guest agent of dev \(VMID 110\) reported no address\. Start qemu-guest-agent/.test(p.text)),
      JSON.stringify(noAddress),
    );
  });

  it('opens the web UI at the guest and at the node', async () => {
    const env = vscode.env as unknown as Record<string, unknown>;
    const openExternal = env.openExternal;
    const opened: string[] = [];
    env.openExternal = (uri: vscode.Uri) => {
      opened.push(uri.toString(true));
      return Promise.resolve(true);
    };
    try {
      await vscode.commands.executeCommand('proxmoxIac.guest.openWebUi', (await guest('Doc1')).el);
      await vscode.commands.executeCommand('proxmoxIac.node.openWebUi', (await nodeRow('father')).el);
    } finally {
      env.openExternal = openExternal;
    }
    const host = new URL(state.settings.url).host;
    assert.deepEqual(opened, [`https://${host}/#v1:0:=qemu/104`, `https://${host}/#v1:0:=node/father`]);
  });

  it('copies the VMID and the name', async () => {
    const pihole = await guest('pihole');
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('proxmoxIac.guest.copyVmid', pihole.el);
    assert.equal(await vscode.env.clipboard.readText(), '130');
    await vscode.commands.executeCommand('proxmoxIac.guest.copyName', pihole.el);
    assert.equal(await vscode.env.clipboard.readText(), 'pihole');
  });
});

