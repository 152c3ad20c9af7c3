/**
 * hosts.nix fleets and talos nodes.yaml in the graph panel: the guests under their Proxmox node, live state
 * from the demo cluster, and the same create order as the CLI's `graph` command prints for the same file.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RenderReport } from '../../../src/core/webviews/graph/protocol';
import { repoRoot, screenshot, webviewClick, workspaceDir } from '../harness';
import { graphApi, node, openGraph, reloaded, waitFor, waitForRender, waitForWebviewText } from './util';

const HOSTS = () => path.join(workspaceDir(), 'nixos-fleet', 'hosts.nix');
const TALOS_NODES = () => path.join(workspaceDir(), 'talos-cluster', 'nodes.yaml');

/** The CLI's `graph` JSON for `file` (the built dist/cli.js, run by the extension host's Node). */
function cliGraph(file: string): Promise<{ createOrder: string[]; edges: { from: string; to: string }[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), 'graph', file], { cwd: workspaceDir(), timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`proxmox-iac graph ${file} failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as { createOrder: string[]; edges: { from: string; to: string }[] });
    });
  });
}

/** The page's numbering matches the CLI's create order, and its edges the CLI's. */
async function assertSameAsCli(r: RenderReport, file: string): Promise<void> {
  const cli = await cliGraph(file);
  const numbered = r.nodes.filter((n) => n.number !== undefined).sort((a, b) => a.number! - b.number!).map((n) => n.id);
  assert.deepEqual(numbered, cli.createOrder);
  assert.deepEqual([...r.edges].sort(), cli.edges.map((e) => `${e.from}->${e.to}`).sort());
}

// After the window reload (and the restore test): in code-server a webview shown again after others were
// created and closed may stay blank (the webview service worker waits for a controller change), so these
// panels open only once the restore test has looked at the manifest's panel.
if (reloaded()) {
  describe('The graph of a fleet', function () {
    this.timeout(180_000);

    it('hosts.nix: the hosts (and the template) under their Proxmox node, with live state, numbered as the CLI numbers them', async () => {
      const graph = await graphApi();
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(HOSTS()), vscode.ViewColumn.One);
      // From the active editor, as the command palette runs it.
      const panel = await openGraph(graph, HOSTS(), () => vscode.commands.executeCommand('proxmoxIac.showGraph'));
      try {
        // Nix evaluates the file first; live state arrives with the first poll.
        const r = await waitForRender(panel, (x) => x.nodes.length > 1 && x.nodes.some((n) => n.state !== undefined), 'the fleet with live state', 90_000);
        assert.equal(r.nodes[0].id, 'prom');
        assert.equal(node(r, 'prom').number, 1);
        assert.equal(node(r, 'prom').state, undefined, 'the Proxmox node itself is not a guest');
        for (const host of ['Doc1', 'igpu', 'dev', 'sandbox', 'cache']) {
          assert.ok(r.edges.includes(`prom->${host}`), `${host} under prom: ${r.edges.join(', ')}`);
          assert.ok(node(r, host).y > node(r, 'prom').y, `${host} is drawn below prom`);
        }
        assert.equal(node(r, 'Doc1').state, 'running');
        assert.equal(node(r, 'sandbox').state, 'stopped');
        assert.match(node(r, 'template 9003').label, /template 9003, template 9003, on prom/);
        await waitForWebviewText('g.node', /Doc1, host 104, on prom, running/, 'aria-label');
        await assertSameAsCli(r, HOSTS());
        // Nothing to plan or apply in a fleet: those are iac-driver's.
        assert.equal(panel.currentView?.nodes.some((n) => n.runnable), false);
        // The picture for the README: no terminal below, the fleet fitted to the panel.
        await vscode.commands.executeCommand('workbench.action.closePanel');
        panel.panel.reveal();
        await webviewClick('#fit');
        await screenshot('graph-fleet-hosts-nix');
      } finally {
        // The suite reloads the window later: only the manifest's panel may be open then.
        panel.panel.dispose();
        await waitFor(() => !graph.panels.has(HOSTS()), 'the hosts.nix graph closing');
      }
    });

    it('talos nodes.yaml: controllers and workers under cluster.yaml\'s proxmox_node, following an edit', async () => {
      const graph = await graphApi();
      const dir = path.dirname(TALOS_NODES());
      fs.writeFileSync(path.join(dir, 'cluster.yaml'), 'node_cidr: 10.10.10.0/24\nproxmox_api_url: https://127.0.0.1:8006/api2/json\nproxmox_node: pve3\n');
      fs.writeFileSync(
        TALOS_NODES(),
        [
          '# the demo cluster\'s talos nodes',
          'nodes:',
          '  - name: talos-cp-1',
          '    address: 10.10.10.100',
          '    controller: true',
          '    vm_id: 200',
          '  - name: talos-cp-2',
          '    address: 10.10.10.101',
          '    controller: true',
          '    vm_id: 201',
          '  - name: talos-worker-1',
          '    address: 10.10.10.110',
          '    controller: false',
          '    vm_id: 202',
          '',
        ].join('\n'),
      );
      const panel = await openGraph(graph, TALOS_NODES(), () => vscode.commands.executeCommand('proxmoxIac.showGraph', vscode.Uri.file(TALOS_NODES())));
      try {
        const r = await waitForRender(panel, (x) => x.nodes.length === 4 && x.nodes.every((n) => n.id === 'pve3' || n.state !== undefined), 'three talos nodes with live state');
        assert.deepEqual(r.nodes.map((n) => n.id), ['pve3', 'talos-cp-1', 'talos-cp-2', 'talos-worker-1']);
        assert.deepEqual(r.edges, ['pve3->talos-cp-1', 'pve3->talos-cp-2', 'pve3->talos-worker-1']);
        assert.ok(r.nodes.slice(1).every((n) => n.state === 'running'));
        assert.match(node(r, 'talos-cp-1').label, /talos-cp-1, Talos control-plane node 200, on pve3/);
        assert.match(node(r, 'talos-worker-1').label, /Talos worker node 202/);
        await assertSameAsCli(r, TALOS_NODES());
        // Clicking a node reveals its entry in nodes.yaml.
        await panel.reveal('talos-worker-1', true);
        await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === TALOS_NODES() && vscode.window.activeTextEditor.selection.active.line === 10, 'talos-worker-1 revealed at its line');
        // An edit adds a node: a new layout with it under pve3.
        const doc = await vscode.workspace.openTextDocument(TALOS_NODES());
        const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
        await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '  - name: talos-worker-2\n    address: 10.10.10.111\n    controller: false\n    vm_id: 203\n'));
        // A later render (a live-state poll) may replace the one with the new layout: check the picture, not the flag.
        const r2 = await waitForRender(panel, (x) => x.nodes.length === 5 && node(x, 'talos-worker-2').state !== undefined, 'the added worker');
        assert.ok(r2.edges.includes('pve3->talos-worker-2'));
        assert.ok(node(r2, 'talos-worker-2').y > node(r2, 'pve3').y, 'the new worker is laid out below pve3');
        assert.equal(node(r2, 'talos-worker-2').state, 'missing', 'declared, not on the cluster');
        panel.panel.reveal();
        await screenshot('graph-fleet-talos');
      } finally {
        const doc = await vscode.workspace.openTextDocument(TALOS_NODES());
        await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
        await vscode.commands.executeCommand('workbench.action.files.revert');
        panel.panel.dispose();
        await waitFor(() => !graph.panels.has(TALOS_NODES()), 'the nodes.yaml graph closing');
      }
    });
  });
}
