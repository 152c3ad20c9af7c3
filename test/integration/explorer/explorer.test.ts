import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, screenshot, selectors, sleep, visibleTreeRows, waitForDomText, waitForNotification } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import type { Element } from '../../../src/vscode/explorer/provider';
import { answering } from '../shared/prompts';
import { sessionOf } from '../shared/session';

const DEMO = 'conn:demo';

let explorer: ExplorerApi;

/** Talks to the simulator's control server (suite.mjs started it next to the simulator). */
async function control<T>(path: string, body?: unknown): Promise<T> {
  const base = process.env.PROXMOX_IAC_TEST_SIM_CONTROL;
  if (!base) throw new Error('PROXMOX_IAC_TEST_SIM_CONTROL is not set: run this suite through scripts/test-integration.mjs');
  const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function requestLog(): Promise<string[]> {
  return (await control<{ requests: string[] }>('/requests')).requests;
}

interface Shown {
  readonly el: Element;
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly icon: string;
  readonly color?: string;
  readonly contextValue: string;
  readonly tooltip: string;
}

/** The rows the tree gives VS Code below `el`, as VS Code would render them. */
async function children(el?: Element): Promise<Shown[]> {
  const els = await explorer.provider.getChildren(el);
  return els.map((e) => {
    const item = explorer.provider.getTreeItem(e);
    // A row can vanish between getChildren and getTreeItem when a rebuild lands in between.
    const icon = item.iconPath as vscode.ThemeIcon | undefined;
    return {
      el: e,
      id: e.id,
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      icon: icon?.id ?? '',
      color: icon?.color?.id,
      contextValue: item.contextValue ?? '',
      tooltip: typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''),
    };
  });
}

async function child(parent: Element | undefined, label: string): Promise<Shown> {
  const rows = await children(parent);
  const row = rows.find((r) => r.label === label);
  assert.ok(row, `no row "${label}" below ${parent?.id ?? 'the root'}; rows: ${JSON.stringify(rows.map((r) => r.label))}`);
  return row;
}

/** A guest row by name, wherever the current grouping put it below the demo connection. */
async function guestRow(name: string): Promise<Shown> {
  for (const group of await children(explorer.provider.element(DEMO))) {
    const rows = await children(group.el);
    const row = rows.find((r) => r.label === name && r.contextValue.startsWith('guest '));
    if (row) return row;
  }
  throw new Error(`guest "${name}" is not in the tree`);
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < until) {
    last = await probe();
    if (last !== undefined && last !== false) return last;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('explorer', function () {
  this.timeout(120_000);

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
  });

  it('shows the demo cluster: connections, nodes, guests, templates and containers', async () => {
    const roots = await children();
    assert.deepEqual(
      roots.map((r) => r.label),
      ['Demo cluster', 'Auditor view', 'Tampered certificate', 'Revoked token', 'No secret yet'],
    );
    assert.match(roots[0].description, /active/);
    const nodes = (await children(roots[0].el)).filter((r) => r.contextValue.startsWith('node '));
    assert.deepEqual(
      nodes.map((n) => n.label),
      ['father', 'prom', 'pve3'],
    );
    const prom = await children(nodes[1].el);
    const doc1 = prom.find((r) => r.label === 'Doc1')!;
    assert.equal(doc1.icon, 'vm-running');
    assert.equal(doc1.color, 'charts.green');
    assert.match(doc1.description, /^104 · \d+% · [\d.]+ GiB \/ 31 GiB/);
    assert.equal(prom.find((r) => r.label === 'nixos-template')!.icon, 'file-symlink-directory');
    assert.match(prom.find((r) => r.label === 'nixos-template')!.description, /template/);
    assert.equal(prom.find((r) => r.label === 'monitoring')!.icon, 'package');
    assert.equal(prom.find((r) => r.label === 'sandbox')!.icon, 'vm-outline');
    assert.ok(prom.some((r) => r.label === 'Storage'), 'no Storage folder under prom');
    // HA-managed guests are coloured apart.
    assert.equal((await child(nodes[2].el, 'talos-cp-1')).color, 'charts.blue');
    // getParent walks back up, so reveal works.
    assert.equal(explorer.provider.getParent(doc1.el)?.id, nodes[1].id);
    assert.equal(explorer.provider.getParent(nodes[1].el)?.id, DEMO);
    // What the user sees: the rows in the side bar.
    await explorer.treeView.reveal(doc1.el, { select: false, focus: false });
    const rows = await waitForDomText(selectors.sideBarTreeRows, /Doc1/);
    assert.ok(rows.some((r) => r.includes('Demo cluster')), `visible rows: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => /^prom/.test(r)), `visible rows: ${JSON.stringify(rows)}`);
    await screenshot('explorer-demo-cluster');
  });

  it('makes one /cluster/resources request per refresh, and an unchanged refresh re-renders nothing', async () => {
    const before = (await requestLog()).length;
    const events = explorer.provider.stats.changeEvents;
    await explorer.provider.refreshConnection(await sessionOf(explorer.provider, DEMO));
    const made = (await requestLog()).slice(before);
    assert.deepEqual(made, ['GET /cluster/resources']);
    assert.equal(explorer.provider.stats.changeEvents, events, `rows re-rendered: ${JSON.stringify(explorer.provider.stats.lastChanged)}`);
  });

  it('snapshots are children of their guest', async () => {
    const doc1 = await guestRow('Doc1');
    const snaps = await children(doc1.el);
    // …followed by the guest's Backups folder (the backups suite tests what is inside).
    assert.deepEqual(
      snaps.map((s) => s.label),
      ['pre-upgrade', 'Backups'],
    );
    assert.match(snaps[0].contextValue, /^snapshot /);
  });

  it('start and shut down run as Proxmox tasks, with the status bar counting them, and the icon follows', async () => {
    const sandbox = await guestRow('sandbox');
    assert.equal(sandbox.icon, 'vm-outline');
    const historyBefore = explorer.tasks.history.length;
    const started = vscode.commands.executeCommand('proxmoxIac.guest.start', sandbox.el);
    await waitFor('the status bar to count the running task', () => explorer.statusBar.text.includes('$(sync~spin) 1') || undefined);
    assert.match(explorer.statusBar.text, /Demo cluster/);
    await started;
    const task = explorer.tasks.history[historyBefore];
    assert.ok(task, 'no task was recorded');
    assert.equal(task.ok, true, `task result: ${task.exitstatus}`);
    assert.match(task.upid ?? '', /^UPID:prom:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmstart:111:/);
    assert.equal((await control<{ status: string }>('/guest/111')).status, 'running');
    const running = await waitFor('the sandbox icon to turn running', async () => {
      const r = await guestRow('sandbox');
      return r.icon === 'vm-running' ? r : undefined;
    });
    assert.match(running.contextValue, /\brunning\b/);
    assert.doesNotMatch(explorer.statusBar.text, /sync~spin/);

    // Shut Down asks first (one modal naming the guest and its node); the user confirms.
    const asked = await answering(['Shut Down'], () => vscode.commands.executeCommand('proxmoxIac.guest.shutdown', running.el));
    assert.deepEqual(
      asked.map((p) => p.text),
      ['Shut down sandbox (VMID 111) on node prom?'],
    );
    assert.equal(explorer.tasks.history.at(-1)?.ok, true);
    assert.match(explorer.tasks.history.at(-1)?.upid ?? '', /:qmshutdown:111:/);
    await waitFor('the sandbox icon to turn stopped', async () => ((await guestRow('sandbox')).icon === 'vm-outline' ? true : undefined));
  });

  it('stop and delete ask for confirmation first, and nothing happens without it', async () => {
    // VS Code refuses modal dialogs under test and reports each refusal in a notification with the
    // dialog's text: proof the question was asked; the refusal is what "Cancel" would do.
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.showList');
    const history = explorer.tasks.history.length;
    await vscode.commands.executeCommand('proxmoxIac.guest.stop', (await guestRow('dev')).el);
    await vscode.commands.executeCommand('proxmoxIac.guest.delete', (await guestRow('legacy-win')).el);
    // waitForNotification opens the Notifications center again if a finishing progress notification closed it
    // (VS Code 1.139 shows no toasts under test).
    await waitForNotification(/Delete legacy-win \(VMID 150\) on pve3\?/);
    await waitForNotification(/Stop dev \(VMID 110\) immediately\?/);
    assert.equal(explorer.tasks.history.length, history, 'an action ran without confirmation');
    assert.equal((await control<{ status: string }>('/guest/110')).status, 'running');
    assert.equal((await control<{ status: string | null }>('/guest/150')).status, 'stopped');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('groups by tag, pool and type, and filters by tag, status and VMID', async () => {
    const config = vscode.workspace.getConfiguration('proxmoxIac');
    const root = explorer.provider.element(DEMO);
    try {
      await config.update('explorer.groupBy', 'tag', vscode.ConfigurationTarget.Global);
      const tags = await waitFor('tag groups', async () => {
        const labels = (await children(root)).map((r) => r.label);
        return labels.includes('talos') ? labels : undefined;
      });
      assert.ok(tags.includes('nixos') && tags.includes('(untagged)'), JSON.stringify(tags));
      assert.deepEqual(
        (await children((await child(root, 'talos')).el)).map((r) => r.label),
        ['talos-cp-1', 'talos-cp-2', 'talos-worker-1'],
      );
      await explorer.treeView.reveal(explorer.provider.element(`${DEMO}/tag/k8s`), { select: true, focus: false, expand: true });
      await waitForDomText(selectors.sideBarTreeRows, /^k8s/);
      await screenshot('explorer-grouped-by-tag');

      await config.update('explorer.groupBy', 'pool', vscode.ConfigurationTarget.Global);
      await waitFor('pool groups', async () => ((await children(root)).some((r) => r.label === 'fleet') ? true : undefined));
      assert.deepEqual(
        (await children((await child(root, 'talos')).el)).map((r) => r.label),
        ['talos-cp-1', 'talos-cp-2', 'talos-worker-1'],
      );

      await config.update('explorer.groupBy', 'type', vscode.ConfigurationTarget.Global);
      await waitFor('type groups', async () => ((await children(root)).some((r) => r.label === 'Templates') ? true : undefined));
      assert.deepEqual(
        (await children((await child(root, 'Templates')).el)).map((r) => r.label),
        ['debian-12-template', 'ubuntu-cloud-template', 'nixos-template'],
      );
      assert.deepEqual(
        (await children((await child(root, 'Containers')).el)).map((r) => r.label),
        ['monitoring', 'pihole', 'unifi', 'build-cache'],
      );
    } finally {
      await config.update('explorer.groupBy', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('node groups again', async () => ((await children(root)).some((r) => r.label === 'prom') ? true : undefined));

    try {
      explorer.provider.setFilter('tag:talos status:running');
      const nodes = await waitFor('the filtered tree', async () => {
        const rows = (await children(root)).filter((r) => r.contextValue.startsWith('node '));
        return rows.length === 1 ? rows : undefined;
      });
      assert.equal(nodes[0].label, 'pve3');
      assert.deepEqual(
        (await children(nodes[0].el)).map((r) => r.label),
        ['talos-cp-1', 'talos-cp-2', 'talos-worker-1'],
      );
      explorer.provider.setFilter('vmid:100-110');
      await waitFor('the VMID filter', async () => {
        const prom = (await children(root)).find((r) => r.label === 'prom');
        const names = prom ? (await children(prom.el)).map((r) => r.label).join(',') : '';
        return names === 'Doc1,homeassistant,igpu,dev' ? true : undefined;
      });
      explorer.provider.setFilter('no-such-guest');
      await waitFor('the no-match row', async () => ((await children(root)).some((r) => r.label === 'No guest matches "no-such-guest"') ? true : undefined));
    } finally {
      await vscode.commands.executeCommand('proxmoxIac.explorer.clearFilter');
    }
    await waitFor('the unfiltered tree', async () => ((await children(root)).filter((r) => r.contextValue.startsWith('node ')).length === 3 ? true : undefined));
  });

  it('correlates guests with the workspace IaC files: in IaC, unmanaged and missing', async () => {
    const root = explorer.provider.element(DEMO);
    const rootPve = await waitFor('correlation labels', async () => {
      const r = await guestRow('root-pve');
      return /in IaC/.test(r.description) ? r : undefined;
    });
    assert.match(rootPve.contextValue, /\bdeclared\b/);
    assert.match((await guestRow('edge')).description, /· in IaC$/);
    assert.match((await guestRow('homeassistant')).description, /· unmanaged$/);
    assert.match((await guestRow('scratch')).description, /· unmanaged · read-only$/);

    const missingGroup = await child(root, 'Missing on the cluster (declared in IaC)');
    const missing = await children(missingGroup.el);
    const edge99001 = missing.find((r) => r.label === 'edge' && /VMID 99001/.test(r.description));
    assert.ok(edge99001, `missing rows: ${JSON.stringify(missing.map((m) => `${m.label} ${m.description}`))}`);
    assert.match(edge99001.description, /n1-push\.yaml:\d+/);
    const unmanaged = await children((await child(root, 'Unmanaged (not in IaC)')).el);
    assert.ok(unmanaged.some((r) => r.label === 'homeassistant'));
    assert.ok(!unmanaged.some((r) => r.label === 'root-pve'));

    // "Reveal in IaC File" opens the declaration at its range.
    await vscode.commands.executeCommand('proxmoxIac.guest.revealInIac', edge99001.el);
    const editor = await waitFor('the manifest to open', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('n1-push.yaml') ? vscode.window.activeTextEditor : undefined,
    );
    assert.match(editor.document.lineAt(editor.selection.start.line).text, /edge/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('read-only guests refuse every mutating action and say where the flag is set', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    // igpu is declared read-only in the workspace's NixOS files; scratch only through the setting.
    const igpu = await guestRow('igpu');
    const scratch = await guestRow('scratch');
    for (const row of [igpu, scratch]) {
      assert.match(row.description, /read-only/);
      assert.match(row.contextValue, /\breadonly\b/);
    }
    const history = explorer.tasks.history.length;
    // The notification centre lists every message (toasts show three at a time, and newer VS Code may not
    // show toasts while a test drives it).
    await vscode.commands.executeCommand('notifications.showList');
    await vscode.commands.executeCommand('proxmoxIac.guest.shutdown', scratch.el);
    await waitForDomText(selectors.notificationMessages, /scratch \(VMID 151\) is read-only \(set in the setting proxmoxIac\.readonlyVmids\), so "Shut Down" was not run/);
    await screenshot('explorer-readonly-refused');
    const titles: Record<string, string> = {
      shutdown: 'Shut Down',
      reboot: 'Reboot',
      suspend: 'Suspend',
      stop: 'Stop',
      clone: 'Clone',
      delete: 'Delete',
      convertToTemplate: 'Convert to Template',
      createSnapshot: 'Create Snapshot',
    };
    for (const [action, title] of Object.entries(titles)) {
      // One at a time: the notification list shows only so many rows.
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.showList');
      await vscode.commands.executeCommand(`proxmoxIac.guest.${action}`, igpu.el);
      await waitForDomText(selectors.notificationMessages, new RegExp(`igpu \\(VMID 109\\) is read-only \\(set in [^)]*definitions\\.nix:\\d+\\), so "${title}" was not run`));
    }
    assert.equal(explorer.tasks.history.length, history, 'a task ran on a read-only guest');
    assert.equal((await control<{ status: string }>('/guest/109')).status, 'running');
    assert.equal((await control<{ status: string }>('/guest/151')).status, 'running');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('a 403 shows the missing privilege in the tree, and the tree recovers', async () => {
    const state = await sessionOf(explorer.provider, DEMO);
    await control('/fault', { path: '/cluster/resources', status: 403, message: 'Permission check failed (/, Sys.Audit)' });
    try {
      await explorer.provider.refreshConnection(state);
      const rows = await children(explorer.provider.element(DEMO));
      assert.equal(rows[0].label, 'Missing privilege: Sys.Audit on /');
      assert.match(rows[0].tooltip, /pveum acl modify \/ -token 'root@pam!proxmox-iac'/);
      assert.equal(rows[0].description, 'showing the last known state');
      await waitForDomText(selectors.sideBarTreeRows, /Missing privilege: Sys\.Audit on \//);
      await screenshot('explorer-missing-privilege');
    } finally {
      await control('/clear-faults', {});
    }
    await explorer.provider.refreshConnection(state);
    assert.ok(!(await children(explorer.provider.element(DEMO))).some((r) => /Missing privilege/.test(r.label)));
  });

  it('an action the token may not run names the missing privilege', async () => {
    const auditorRoot = explorer.provider.element('conn:auditor');
    const prom = await child(auditorRoot, 'prom');
    const sandbox = await child(prom.el, 'sandbox');
    await vscode.commands.executeCommand('proxmoxIac.guest.start', sandbox.el);
    const last = explorer.tasks.history.at(-1);
    assert.equal(last?.ok, false);
    assert.match(last?.exitstatus ?? '', /lacks VM\.PowerMgmt on \/vms\/111/);
    assert.equal((await control<{ status: string }>('/guest/111')).status, 'stopped');
  });

  it('refuses a server whose certificate fingerprint changed', async () => {
    const rows = await children(explorer.provider.element('conn:tampered'));
    assert.equal(rows.length, 1, `rows: ${JSON.stringify(rows.map((r) => r.label))}`);
    assert.equal(rows[0].label, 'Certificate changed — connection refused');
    assert.match(rows[0].tooltip, /trusted 01:08:0F/);
    assert.match(rows[0].tooltip, /pvenode cert info/);
    assert.equal(explorer.provider.getTreeItem(explorer.provider.element('conn:tampered')).iconPath instanceof vscode.ThemeIcon, true);
    assert.equal((explorer.provider.getTreeItem(explorer.provider.element('conn:tampered')).iconPath as vscode.ThemeIcon).id, 'debug-disconnect');
  });

  it('a rejected token (401) and a missing secret offer to enter the secret, in the tree', async () => {
    const revoked = await children(explorer.provider.element('conn:revoked'));
    assert.equal(revoked.length, 1);
    assert.equal(revoked[0].label, 'Authentication failed (401)');
    const item = explorer.provider.getTreeItem(revoked[0].el);
    assert.equal(item.command?.command, 'proxmoxIac.connections.enterSecret');
    assert.equal(item.command?.title, 'Re-enter Token');
    const unset = await children(explorer.provider.element('conn:unset'));
    assert.equal(unset[0].label, 'No secret stored for this connection');
    assert.equal(explorer.provider.getTreeItem(unset[0].el).command?.command, 'proxmoxIac.connections.enterSecret');
    // Nothing secret reaches the tree.
    for (const row of [...revoked, ...unset]) assert.doesNotMatch(`${row.label} ${row.description} ${row.tooltip}`, /00000000-0000/);
    // Storing a secret (what "Re-enter Token" does after its password box) reconnects that connection only.
    const demoRequests = explorer.pool.requestCount('demo');
    const auditor = explorer.provider.stateOf('conn:auditor')!.subtree;
    await explorer.store.storeSecret('unset', (await explorer.store.secret('demo'))!);
    const nodes = await waitFor('the connection to load with its new secret', async () => {
      const rows = await children(explorer.provider.element('conn:unset'));
      return rows.some((r) => r.label === 'prom') ? rows : undefined;
    });
    assert.ok(!nodes.some((r) => /secret/i.test(r.label)));
    assert.equal(explorer.pool.requestCount('demo'), demoRequests, 'other connections were reloaded');
    assert.equal(explorer.provider.stateOf('conn:auditor')!.subtree, auditor, 'other connections were rebuilt');
  });

  it('switches the active connection: the status bar and the rows follow, nothing reloads', async () => {
    const demoRequests = explorer.pool.requestCount('demo');
    try {
      await vscode.commands.executeCommand('proxmoxIac.connections.switch', explorer.provider.element('conn:auditor'));
      assert.match(explorer.statusBar.text, /Auditor view/);
      const roots = await children();
      assert.match(roots.find((r) => r.label === 'Auditor view')!.description, /active/);
      assert.doesNotMatch(roots.find((r) => r.label === 'Demo cluster')!.description, /active/);
    } finally {
      await vscode.commands.executeCommand('proxmoxIac.connections.switch', explorer.provider.element(DEMO));
    }
    assert.match(explorer.statusBar.text, /Demo cluster/);
    assert.equal(explorer.pool.requestCount('demo'), demoRequests);
  });

  it('the tooltip and "Copy IP Address" use the guest agent; the tooltip is human-readable', async () => {
    const doc1 = await guestRow('Doc1');
    const item = explorer.provider.getTreeItem(doc1.el);
    const source = new vscode.CancellationTokenSource();
    const resolved = await explorer.provider.resolveTreeItem(item, doc1.el, source.token);
    const md = (resolved.tooltip as vscode.MarkdownString).value;
    assert.match(md, /Node: prom/);
    assert.match(md, /Uptime: \d+ (s|min|h|d)/);
    assert.match(md, /IP addresses: 10\\\.0\\\.1\\\.29/);
    assert.match(md, /Declared in: /);
    assert.match(md, /Read-only: set in /);
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('proxmoxIac.guest.copyIp', doc1.el);
    assert.equal(await vscode.env.clipboard.readText(), '10.0.1.29');
    await vscode.commands.executeCommand('proxmoxIac.guest.copyVmid', doc1.el);
    assert.equal(await vscode.env.clipboard.readText(), '104');
  });

  it('polls automatically only while the view is visible', async () => {
    const config = vscode.workspace.getConfiguration('proxmoxIac');
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    await config.update('explorer.refreshInterval', 0.5, vscode.ConfigurationTarget.Global);
    try {
      const start = explorer.provider.stats.refreshes;
      await waitFor('automatic refreshes', () => (explorer.provider.stats.refreshes >= start + 2 ? true : undefined));
      await vscode.commands.executeCommand('workbench.view.explorer');
      await waitFor('the view to be hidden', () => (!explorer.treeView.visible ? true : undefined));
      // A refresh already on its way when the view was hidden still completes: wait until the count has held
      // for four poll intervals (on a loaded machine one refresh can take longer than an interval).
      let hidden = explorer.provider.stats.refreshes;
      let heldSince = Date.now();
      await waitFor('refreshes in flight to finish', () => {
        if (explorer.provider.stats.refreshes !== hidden) {
          hidden = explorer.provider.stats.refreshes;
          heldSince = Date.now();
        }
        return Date.now() - heldSince >= 2_000 ? true : undefined;
      });
      // Five poll intervals with the view hidden: none may refresh.
      await sleep(2500);
      assert.equal(explorer.provider.stats.refreshes, hidden, 'the explorer polled while hidden');
    } finally {
      await config.update('explorer.refreshInterval', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    }
    const rows = await visibleTreeRows();
    assert.ok(rows.some((r) => r.includes('Demo cluster')), JSON.stringify(rows));
  });
});
