import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentBoardPanel } from '../../../src/vscode/webviews/agentboard/panel';
import type { RenderReport } from '../../../src/core/webviews/agentboard/protocol';
import { activateExtension, domPressKey, domType, EXTENSION_ID, screenshot, webviewClick, webviewPost, webviewTexts, workspaceDir } from '../harness';
import { boardApi, capturingLog, markerPath, reloaded, row, rows, settled, simControl, waitFor, waitForAsync, waitForRender, waitForWebviewText } from './util';

if (!reloaded()) {
  describe('The guest-agent status board', function () {
    this.timeout(120_000);
    let panel: AgentBoardPanel;

    it('opens from "Proxmox: Show Guest Agent Status" and the explorer\'s connection menu', async () => {
      await activateExtension();
      const contributes = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string }[]> } } | undefined)?.contributes;
      assert.equal(contributes?.commands.find((c) => c.command === 'proxmoxIac.showAgentBoard')?.title, 'Show Guest Agent Status');
      assert.ok(contributes?.menus['view/item/context'].some((m) => m.command === 'proxmoxIac.showAgentBoard' && /viewItem =~ \/\^connection\//.test(m.when ?? '')));
      const board = await boardApi();
      // The explorer's connection row passes its element; the palette passes nothing (one connection: no question).
      const opened = await vscode.commands.executeCommand<AgentBoardPanel>('proxmoxIac.showAgentBoard', { id: 'conn:demo' });
      assert.equal(opened?.connection.id, 'demo');
      assert.equal(await vscode.commands.executeCommand<AgentBoardPanel>('proxmoxIac.showAgentBoard'), opened, 'showing it again brings the same panel forward');
      panel = await waitFor(() => board.panels.get('demo'), 'the board panel');
      await waitForRender(panel, settled, 'every guest checked');
    });

    it('puts the template whose clones never answer first, in plain words (seed 000\'s blocker)', async () => {
      const r = await waitForRender(panel, settled, 'every guest checked');
      const first = r.groups[0];
      assert.equal(first.title, 'Template 9002 · ubuntu-cloud-template');
      assert.ok(first.neverAnswers);
      assert.match(first.summary, /^No clone of template 9002 \(ubuntu-cloud-template\) answers: 2 of 2 running clones/);
      assert.deepEqual(first.rows.map((x) => x.name), ['tofu-web-1', 'tofu-web-2']);
      for (const x of first.rows) assert.match(x.hint, /^agent enabled but not answering: install and start qemu-guest-agent in the guest \(or bake it into template 9002 — clones of this template never answer\)/);
      await waitForWebviewText('.group.never-answers h2', 'Template 9002 · ubuntu-cloud-template');
      await waitForWebviewText('.group.never-answers .summary', /No clone of template 9002/);
    });

    it('shows each guest\'s state, OS, host name and addresses, with the hint for each state', async () => {
      const r = await waitForRender(panel, settled, 'every guest checked');
      const doc1 = row(r, 104);
      assert.deepEqual([doc1.state, doc1.hint, doc1.os, doc1.hostname, doc1.addresses], ['answering', '', 'NixOS 25.05 (Warbler)', 'proxmox-vm', ['10.0.1.29/24']], 'loopback and link-local hidden');
      assert.match(row(r, 151).hint, /^agent not enabled: set `agent: 1`/);
      assert.match(row(r, 111).hint, /^VM stopped/);
      assert.match(row(r, 110).hint, /^agent enabled but not answering/);
      assert.match(row(r, 112).hint, /^agent enabled but timed out/);
      const legacy = row(r, 154);
      assert.match(legacy.hint, /^the agent does not support this command \((get-osinfo, get-host-name|get-host-name, get-osinfo)\)/);
      assert.deepEqual([legacy.os, legacy.hostname, legacy.addresses], ['not reported', 'not reported', ['10.0.3.54/24']]);
      const win = row(r, 152);
      assert.deepEqual([win.os, win.hostname, win.addresses], ['Windows Server 2022 Datacenter', 'WIN-BUILD', ['10.0.3.52/24']]);
      assert.ok(row(r, 153).addresses.includes('10.0.3.53/24') && row(r, 153).addresses.includes('172.17.0.1/16'), 'the many-NIC host lists its bridges');
      assert.ok(!rows(r).some((x) => x.vmid === 9002 || x.vmid === 120), 'templates head groups; containers have no QEMU agent');
      await waitForWebviewText('tr[data-vmid="104"] td', '10.0.1.29/24');
    });

    it('the loopback & link-local toggle shows what is hidden by default', async () => {
      await webviewClick('#showLocal');
      const r = await waitForRender(panel, (x) => x.showLocal, 'loopback addresses');
      assert.deepEqual(row(r, 104).addresses.slice().sort(), ['10.0.1.29/24', '127.0.0.1/8', '::1/128', 'fe80::be24:11ff:fe00:68/64'].sort());
      assert.equal(panel.pageState?.showLocal, true, 'kept in the page state');
      await webviewClick('#showLocal');
      await waitForRender(panel, (x) => !x.showLocal && row(x, 104).addresses.length === 1, 'the toggle off again');
    });

    it('filter and sort work by clicks: typing narrows the rows, "Sort: Name" and "Sort: Agent state" reorder each group', async () => {
      const vmidsInPage = async () => (await webviewTexts('tr[data-vmid]', 'data-vmid')).map(Number);
      const inReport = (r: RenderReport) => rows(r).map((x) => x.vmid);
      await webviewClick('#filter');
      await domType('tofu-web');
      const filtered = await waitForRender(panel, (x) => x.filter === 'tofu-web', 'the filter');
      assert.deepEqual(rows(filtered).map((x) => x.name), ['tofu-web-1', 'tofu-web-2']);
      await waitForAsync(async () => JSON.stringify(await vmidsInPage()) === JSON.stringify([116, 117]) || undefined, 'only the two clones in the page');
      assert.equal(panel.pageState?.filter, 'tofu-web', 'kept in the page state');
      await domType(' nothing-has-this');
      await waitForRender(panel, (x) => x.filter === 'tofu-web nothing-has-this' && x.groups.length === 0, 'no match');
      await waitForWebviewText('.empty', 'No guest matches "tofu-web nothing-has-this".');
      await domPressKey('Control+A');
      await domPressKey('Backspace');
      const all = await waitForRender(panel, (x) => x.filter === '' && settled(x), 'the filter cleared');
      assert.ok(rows(all).length > 10, `all guests back: ${rows(all).length}`);

      await webviewClick('#sort');
      await webviewClick('#sort li[role="option"]:has-text("Sort: Name")');
      const byName = await waitForRender(panel, (x) => x.sort === 'name' && settled(x), 'sorted by name');
      for (const g of byName.groups) {
        const names = g.rows.map((x) => x.name);
        assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)), `${g.title} by name`);
      }
      assert.notDeepEqual(inReport(byName), inReport(all), 'the order changed');
      await waitForAsync(async () => JSON.stringify(await vmidsInPage()) === JSON.stringify(inReport(byName)) || undefined, 'the page\'s rows in name order');
      assert.equal(panel.pageState?.sort, 'name');

      await webviewClick('#sort');
      await webviewClick('#sort li[role="option"]:has-text("Sort: Agent state")');
      const byState = await waitForRender(panel, (x) => x.sort === 'state' && settled(x), 'sorted by agent state');
      const loose = byState.groups.find((g) => !g.title.startsWith('Template'));
      assert.ok(loose);
      // Silent agents first (the thing to fix), stopped VMs last.
      assert.equal(loose.rows[0].state, 'not answering', loose.rows.map((x) => x.state).join(', '));
      assert.equal(loose.rows[loose.rows.length - 1].state, 'VM stopped', loose.rows.map((x) => x.state).join(', '));
      await waitForAsync(async () => JSON.stringify(await vmidsInPage()) === JSON.stringify(inReport(byState)) || undefined, 'the page\'s rows in state order');

      await webviewClick('#sort');
      await webviewClick('#sort li[role="option"]:has-text("Sort: VMID")');
      await waitForRender(panel, (x) => x.sort === 'vmid', 'sorted by VMID again');
    });

    it('"Refresh" on a row re-asks the agent: a token without VM.GuestAgent.Audit gets the permission hint', async () => {
      await simControl('POST', '/fault', { path: '/nodes/prom/qemu/105/agent/*', status: 403, message: 'Permission check failed (/vms/105, VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)' });
      try {
        await webviewClick('vscode-button[data-action="refresh"][data-vmid="105"]');
        const r = await waitForRender(panel, (x) => row(x, 105).state === 'no permission', 'the 403 on VM 105');
        assert.match(row(r, 105).hint, /^token lacks VM\.GuestAgent\.Audit \(PVE 9\) \/ VM\.Monitor \(PVE 8\)/);
      } finally {
        await simControl('POST', '/clear-faults');
      }
      await webviewClick('vscode-button[data-action="refresh"][data-vmid="105"]');
      await waitForRender(panel, (x) => row(x, 105).state === 'answering', 'VM 105 answering again');
    });

    it('"Ping" pings the agent; "Copy IP" copies the address the agent reported', async () => {
      const before = ((await simControl('GET', '/requests')) as { requests: string[] }).requests.length;
      await webviewClick('vscode-button[data-action="ping"][data-vmid="152"]');
      await waitForAsync(async () => {
        const all = ((await simControl('GET', '/requests')) as { requests: string[] }).requests.slice(before);
        return all.includes('POST /nodes/pve3/qemu/152/agent/ping');
      }, 'the ping request');
      await vscode.env.clipboard.writeText('');
      await webviewClick('vscode-button[data-action="copyIp"][data-vmid="104"]');
      await waitForAsync(async () => (await vscode.env.clipboard.readText()) === '10.0.1.29', 'the address on the clipboard');
    });

    it('polls only while visible', async () => {
      assert.ok(panel.polling);
      const file = path.join(workspaceDir(), 'site-config', 'manifests', 'n2-push.yaml');
      await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: panel.panel.viewColumn, preview: false });
      await waitFor(() => !panel.panel.visible && !panel.polling, 'polling to stop while hidden');
      const hiddenAt = ((await simControl('GET', '/requests')) as { requests: string[] }).requests.length;
      panel.panel.reveal();
      await waitForAsync(async () => {
        const all = ((await simControl('GET', '/requests')) as { requests: string[] }).requests.slice(hiddenAt);
        return panel.polling && all.includes('GET /cluster/resources') ? true : undefined;
      }, 'a round as soon as it is visible again');
      panel.panel.reveal();
    });

    it('a message of the wrong shape is ignored and logged, in both directions', async () => {
      const api = await activateExtension();
      // The previous test hid and re-showed the panel: its page is re-created; wait until it has drawn.
      await waitForWebviewText('.group h2', 'Template 9002');
      await capturingLog(api!.services.log, async (lines) => {
        // The board keeps polling meanwhile, so the page may render newer boards the extension sends; it must
        // never render the malformed one (whose version is not a number and which has no groups).
        const renders: RenderReport[] = [];
        const watching = panel.onDidRender((r) => renders.push(r));
        await webviewPost('#groups', { type: 'action', action: 'rm -rf /', vmid: 104 });
        await webviewPost('#groups', { type: 'action', action: 'ping', vmid: '104; reboot' });
        await waitFor(() => lines.filter((l) => /Guest-agent board: ignored a "action" message of the wrong shape from the webview/.test(l)).length === 2, `both logged (log: ${JSON.stringify(lines)})`);
        await panel.panel.webview.postMessage({ type: 'board', version: 'x', reports: 'none' });
        await waitFor(() => lines.some((l) => /Guest-agent board page: ignored a "board" message of the wrong shape from the extension/.test(l)), `the page's report (log: ${JSON.stringify(lines)})`);
        assert.ok(!lines.some((l) => /rm -rf|reboot/.test(l)), 'the content of a rejected message never reaches the log');
        watching.dispose();
        assert.ok(
          renders.every((r) => Number.isInteger(r.version) && r.groups.length > 0),
          `the page rendered the malformed board: ${JSON.stringify(renders.map((r) => [r.version, r.groups.length]))}`,
        );
        // Had the page drawn it, its report of that render would be the host's to reject (and log).
        assert.ok(!lines.some((l) => /ignored a "rendered" message/.test(l)), `the page reported a malformed render (log: ${JSON.stringify(lines)})`);
        await waitForWebviewText('.group h2', 'Template 9002');
      });
    });

    for (const [theme, bodyClass] of [
      ['Default Light Modern', 'vscode-light'],
      ['Default High Contrast', 'vscode-high-contrast'],
      ['Default Dark Modern', 'vscode-dark'],
    ] as const) {
      it(`looks native in the ${theme} theme (screenshot)`, async () => {
        await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        panel.panel.reveal();
        await waitForWebviewText('body', new RegExp(`(^|\\s)${bodyClass}(\\s|$)`), 'class');
        await waitForRender(panel, settled, 'the board');
        await screenshot(`agentboard-${bodyClass}`);
      });
    }

    it('keeps the loopback toggle in the page state and reloads the window', async () => {
      await webviewClick('#showLocal');
      const state = await waitFor(() => (panel.pageState?.showLocal ? panel.pageState : undefined), 'the page state');
      fs.writeFileSync(markerPath(), JSON.stringify(state));
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      // The reload ends this run; nothing after this line runs.
      await new Promise(() => {});
    });
  });
}
