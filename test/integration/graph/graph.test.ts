import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GraphApi } from '../../../src/vscode/graph/register';
import type { RenderReport } from '../../../src/core/webviews/graph/protocol';
import type { GraphPanel } from '../../../src/vscode/graph/panel';
import { activateExtension, domPressKey, screenshot, sleep, webviewClick, webviewPost, webviewTexts, workspaceDir } from '../harness';
import { capturingLog, graphApi, N1, N2, node, reloaded, waitFor, waitForRender, waitForWebviewText } from './util';

if (!reloaded()) {
  describe('The manifest graph', function () {
    this.timeout(120_000);
    let graph: GraphApi;
    let panel: GraphPanel;

    before(async () => {
      graph = await graphApi();
    });

    it('opens from the manifest\'s "Show Graph" lens and draws the nodes numbered in create order, as the CLI does', async () => {
      const doc = await vscode.workspace.openTextDocument(N2());
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      let lenses: vscode.CodeLens[] = [];
      const until = Date.now() + 30_000;
      while (Date.now() < until && !lenses.some((l) => l.command?.title === 'Show Graph')) {
        lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
        if (!lenses.some((l) => l.command?.title === 'Show Graph')) await sleep(200);
      }
      const show = lenses.find((l) => l.command?.title === 'Show Graph');
      assert.ok(show?.command, `no "Show Graph" lens on n2-push.yaml: ${lenses.map((l) => l.command?.title).join(', ')}`);
      await vscode.commands.executeCommand(show.command.command, ...((show.command.arguments ?? []) as unknown[]));
      panel = await waitFor(() => graph.panels.get(N2()), 'the graph panel opening');
      const r = await waitForRender(panel, (x) => x.nodes.length === 2, 'two nodes');
      assert.equal(node(r, 'root-pve').number, 1);
      assert.equal(node(r, 'edge').number, 2);
      assert.deepEqual(r.edges, ['root-pve->edge']);
      assert.ok(node(r, 'edge').y > node(r, 'root-pve').y, 'the child is drawn below its parent');
      // What the page shows to a screen reader, read from the page's own DOM.
      await waitForWebviewText('g.node', /^created 1st, root-pve, nested Proxmox VE 99011/, 'aria-label');
      await waitForWebviewText('g.node', /^created 2nd, edge, VM 99021, on root-pve/, 'aria-label');
    });

    it('shows live state from the open connection: running, stopped, and missing for a guest the cluster lacks', async () => {
      const r = await waitForRender(panel, (x) => x.nodes.every((n) => n.state !== undefined), 'live state');
      assert.equal(node(r, 'root-pve').state, 'running');
      assert.equal(node(r, 'edge').state, 'stopped');
      await vscode.commands.executeCommand('proxmoxIac.showGraph', vscode.Uri.file(N1()));
      const n1 = await waitFor(() => graph.panels.get(N1()), 'the n1-push panel');
      const r1 = await waitForRender(n1, (x) => x.nodes[0]?.state !== undefined, 'live state of n1-push');
      assert.equal(node(r1, 'edge').state, 'missing');
      assert.match(node(r1, 'edge').label, /missing on the cluster/);
      n1.panel.dispose();
      await waitFor(() => !graph.panels.has(N1()), 'the n1-push panel closing');
      panel.panel.reveal();
      await screenshot('graph-live-state');
    });

    it('polls live state only while visible: hidden behind an editor it stops, shown again it polls at once', async () => {
      await waitFor(() => panel.polling, 'polling while visible');
      const column = panel.panel.viewColumn ?? vscode.ViewColumn.Two;
      const other = await vscode.workspace.openTextDocument(N1());
      await vscode.window.showTextDocument(other, column);
      await waitFor(() => !panel.panel.visible, 'the panel hidden');
      await waitFor(() => !panel.polling, 'polling to stop while hidden');
      const polls = panel.polls;
      const version = panel.lastReport!.version;
      panel.panel.reveal();
      await waitFor(() => panel.panel.visible && panel.polls > polls, 'a poll as soon as the panel shows again');
      // The page is loaded anew when shown again (hidden panels are not kept): it draws from its saved state.
      await waitForRender(panel, (x) => x.version > version && x.nodes.length === 2, 'the graph drawn again');
    });

    it('the destroy-order toggle renumbers the nodes in reverse', async () => {
      await webviewClick('#destroy');
      let r = await waitForRender(panel, (x) => x.destroyOrder, 'the destroy order');
      assert.equal(node(r, 'edge').number, 1);
      assert.equal(node(r, 'root-pve').number, 2);
      assert.match(node(r, 'edge').label, /^destroyed 1st, edge/);
      await webviewClick('#destroy');
      r = await waitForRender(panel, (x) => !x.destroyOrder, 'the create order again');
      assert.equal(node(r, 'root-pve').number, 1);
    });

    it('follows edits: a new node is laid out; a new problem re-renders without a new layout and keeps the zoom', async () => {
      await webviewClick('#zoomIn');
      const zoom = await waitFor(() => (panel.pageState && panel.pageState.zoom !== panel.lastReport?.zoom ? panel.pageState.zoom : undefined), 'the zoom change reaching the extension');
      const doc = await vscode.workspace.openTextDocument(N2());
      const original = doc.getText();
      const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      // Every render is kept: the diagnostics of the edit re-render soon after (same topology, no new layout),
      // so the render to check is the first one with the new node.
      const renders: RenderReport[] = [];
      const watching = panel.onDidRender((x) => renders.push(x));
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\n  - name: cache\n    type: ct\n    parent: root-pve\n'));
      await waitForRender(panel, (x) => x.nodes.some((n) => n.id === 'cache'), 'the new node');
      watching.dispose();
      let r = renders.find((x) => x.nodes.some((n) => n.id === 'cache'))!;
      assert.equal(r.relayout, true);
      assert.equal(node(r, 'cache').number, 3);
      assert.equal(r.zoom, zoom, 'the zoom survives the new layout');
      const version = r.version;
      const deltas = panel.sent.deltas;
      const text = doc.getText();
      const at = text.indexOf('spec: base');
      assert.ok(at > 0);
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'spec: base'.length)), 'spec: no-such-spec'));
      r = await waitForRender(panel, (x) => x.version > version && node(x, 'edge').problems > 0, 'the problem on edge', 60_000);
      assert.equal(r.relayout, false, 'a changed spec keeps the layout');
      assert.ok(panel.sent.deltas > deltas, 'the edit went to the page as a delta, not the whole graph');
      assert.deepEqual([...r.edges].sort(), ['root-pve->cache', 'root-pve->edge'], 'the report merged from the page’s partial answer keeps the edges');
      assert.equal(r.nodes.length, 3, 'and every node');
      assert.equal(r.zoom, zoom);
      assert.ok((await webviewTexts('g.node[data-id="edge"] text.problem')).includes('⚠'), 'the node is marked in the page');
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original));
      await doc.save();
      await waitForRender(panel, (x) => x.nodes.length === 2 && node(x, 'edge').problems === 0, 'the file as before');
    });

    it('clicking a node reveals it in the editor; arrows move between nodes and Enter reveals', async () => {
      const lines = (await vscode.workspace.openTextDocument(N2())).getText().split('\n');
      const edgeLine = lines.findIndex((l) => l.includes('name: edge'));
      const rootLine = lines.findIndex((l) => l.includes('name: root-pve'));
      const n2Editor = () => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === N2());
      await webviewClick('g.node[data-id="edge"]');
      await waitFor(() => n2Editor()?.selection.active.line === edgeLine, 'the editor at edge\'s line');
      // A click leaves the keyboard in the graph (the node has focus), so arrows go on from there.
      await waitForWebviewText('#selection', /^edge$/);
      await domPressKey('ArrowUp');
      await waitForWebviewText('#selection', /^root-pve$/);
      await domPressKey('Enter');
      await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === N2() && vscode.window.activeTextEditor.selection.active.line === rootLine, 'Enter on root-pve revealing its line');
    });

    it('"Plan" for a node runs the same iac-driver task as the lens', async () => {
      const started: vscode.TaskDefinition[] = [];
      const listener = vscode.tasks.onDidStartTask((e) => started.push(e.execution.task.definition));
      try {
        panel.panel.reveal();
        await webviewClick('g.node[data-id="edge"]');
        await webviewClick('#plan');
        const def = await waitFor(() => started.find((d) => d.action === 'plan'), 'a plan task starting');
        assert.equal(def.node, 'edge');
        assert.equal(def.manifest, 'n2-push');
        const log = process.env.PROXMOX_IAC_TEST_IAC_DRIVER_LOG ?? '';
        const argv = await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').trim(), 'the iac-driver stand-in running');
        assert.match(argv, /n2-push/);
        assert.match(argv, /edge/);
      } finally {
        listener.dispose();
      }
    });

    it('a message of the wrong shape is ignored and logged, in both directions', async () => {
      const api = await activateExtension();
      const log = api!.services.log;
      await capturingLog(log, async (lines) => {
        const before = panel.lastReport!.version;
        await webviewPost('#graph', { type: 'run', action: 'rm -rf', id: 'edge' });
        await webviewPost('#graph', { type: 'reveal' });
        await waitFor(() => lines.filter((l) => /Manifest graph: ignored a "(run|reveal)" message of the wrong shape from the webview/.test(l)).length === 2, `both logged (log: ${JSON.stringify(lines)})`);
        await panel.panel.webview.postMessage({ type: 'graph', version: 'one', view: {} });
        await waitFor(() => lines.some((l) => /Manifest graph page: ignored a "graph" message of the wrong shape from the extension/.test(l)), `the page's report (log: ${JSON.stringify(lines)})`);
        assert.ok(!lines.some((l) => /rm -rf/.test(l)), 'the content of a rejected message never reaches the log');
        assert.equal(panel.lastReport!.version, before, 'the page did not render the malformed graph');
        await panel.update();
        await waitForRender(panel, (x) => x.version > before, 'the next good graph');
      });
    });

    it('a change against a version the page does not have is not drawn: the page asks for the whole graph and draws that', async () => {
      const api = await activateExtension();
      await capturingLog(api!.services.log, async (lines) => {
        const before = panel.lastReport!.version;
        const full = panel.sent.full;
        const r = panel.lastReport!;
        // A delta as the extension would send it, against a version the page never had, renaming a node.
        await panel.panel.webview.postMessage({
          type: 'graphDelta',
          version: before + 1000,
          base: before + 999,
          delta: { header: { kind: 'manifest', title: 'n2-push', file: N2() }, nodes: [{ ...panel.currentView!.nodes[1], name: 'not-in-the-file' }], removed: [] },
        });
        await waitFor(() => lines.some((l) => /Manifest graph: the page had version \d+, not the one a change was made against; sending the whole graph/.test(l)), `the page's resync (log: ${JSON.stringify(lines)})`);
        const after = await waitForRender(panel, (x) => x.version > before && x.version < before + 1000, 'the whole graph again');
        assert.ok(panel.sent.full > full, 'the whole graph was sent');
        assert.deepEqual(after.nodes.map((n) => n.id), r.nodes.map((n) => n.id));
        assert.ok(!(await webviewTexts('g.node text.name')).includes('not-in-the-file'), 'the stray change was never drawn');
      });
    });

    it('exports a standalone SVG with the theme colours written in', async () => {
      panel.panel.reveal();
      const target = vscode.Uri.file(path.join(workspaceDir(), 'n2-push.graph.svg'));
      const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('proxmoxIac.graph.exportSvg', target);
      assert.equal(saved?.fsPath, target.fsPath);
      const svg = fs.readFileSync(target.fsPath, 'utf8');
      assert.match(svg, /^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, />root-pve</);
      assert.match(svg, />edge</);
      assert.ok(!/var\(--vscode|data-vscode-context|tabindex/.test(svg), 'no page-only attributes or theme variables');
      assert.match(svg, /fill="rgb\(/);
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
        await waitForRender(panel, (x) => x.nodes.length === 2, 'the graph');
        await screenshot(`graph-${bodyClass}`);
      });
    }
  });
}
