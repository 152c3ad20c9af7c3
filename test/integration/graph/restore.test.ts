import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PageState } from '../../../src/core/webviews/graph/protocol';
import { screenshot, webviewClick } from '../harness';
import { graphApi, N2, node, RELOAD_MARKER, reloaded, waitFor, waitForRender, waitForWebviewText } from './util';

// The window reload restarts the extension host, and with it this test run: the first run ends in the
// reload (its last test never reports), the second finds the marker and checks what came back.
if (!reloaded()) {
  describe('The manifest graph before a window reload', function () {
    this.timeout(120_000);
    it('keeps its zoom and destroy-order toggle in the page state and reloads the window', async () => {
      const graph = await graphApi();
      const panel = await waitFor(() => graph.panels.get(N2()), 'the n2-push panel');
      panel.panel.reveal();
      await webviewClick('#destroy');
      await webviewClick('#zoomOut');
      const state = await waitFor(() => (panel.pageState?.destroyOrder && panel.pageState.zoom < 1.2 ? panel.pageState : undefined), 'the page state');
      fs.writeFileSync(RELOAD_MARKER(), JSON.stringify(state));
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      // The reload ends this run; nothing after this line runs.
      await new Promise(() => {});
    });
  });
} else {
  describe('The manifest graph after a window reload', function () {
    this.timeout(120_000);
    it('comes back with the same manifest, zoom and toggle, and draws it again', async () => {
      const before = JSON.parse(fs.readFileSync(RELOAD_MARKER(), 'utf8')) as PageState;
      const graph = await graphApi();
      const panel = await waitFor(() => graph.panels.get(N2()), 'the graph panel being restored', 60_000);
      const r = await waitForRender(panel, (x) => x.nodes.length === 2, 'the restored graph', 60_000);
      assert.equal(r.zoom, before.zoom);
      assert.equal(r.destroyOrder, true);
      assert.equal(node(r, 'edge').number, 1, 'destroy order, as before the reload');
      await waitForWebviewText('g.node', /^destroyed 2nd, root-pve/, 'aria-label');
      await screenshot('graph-restored-after-reload');
    });
  });
}
