/**
 * 500 nodes in the real graph webview (code-server + Chromium): layout500Ms is the page's own layout time
 * for a panel opened fresh (a new page each round, as a user opening the graph gets); edit500Ms is an edit
 * that keeps the layout (a node's VMID changes), from the extension starting to build the view after the
 * debounce to the page's `rendered` answer arriving back (parse, model, postMessage, DOM update, answer).
 * An edit goes to the page as a delta (only the changed node) and comes back as a partial report.
 * editRelayout500Ms is the same for an edit that adds a node (a new layout, the whole view); editEmpty500Ms an
 * update that changes nothing: the message path's own cost. Reported as metrics.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RenderReport } from '../../../src/core/webviews/graph/protocol';
import type { GraphPanel } from '../../../src/vscode/graph/panel';
import { reportMetric, workspaceDir } from '../../../test/integration/harness';
import { graphApi, waitFor } from '../../../test/integration/graph/util';

const ROUNDS = Number(process.env.PROXMOX_IAC_BENCH_ROUNDS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Resolves with the first render after `after` (with a new layout, if `relayout`) and when it arrived. */
function nextRender(panel: GraphPanel, after: number, relayout = false): Promise<{ report: RenderReport; at: number }> {
  return new Promise((resolve) => {
    const sub = panel.onDidRender((report) => {
      if (report.version <= after || (relayout && !report.relayout)) return;
      sub.dispose();
      resolve({ report, at: performance.now() });
    });
  });
}

/** Waits until no render has arrived for a second (the diagnostics of the last edit have landed). */
async function sleepUntilQuiet(panel: GraphPanel): Promise<void> {
  let last = panel.lastReport?.version;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (panel.lastReport?.version === last) return;
    last = panel.lastReport?.version;
  }
}

describe('graph benchmark', function () {
  this.timeout(30 * 60_000);
  const file = () => path.join(workspaceDir(), 'site-config', 'manifests', 'bench-500.yaml');

  it('500 nodes: layout in the page, and an edit re-rendered', async () => {
    const graph = await graphApi();
    const doc = await vscode.workspace.openTextDocument(file());
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const layouts: number[] = [];
    const renders: number[] = [];
    let panel: GraphPanel | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      panel?.panel.dispose();
      if (panel) await waitFor(() => !graph.panels.has(file()), 'the panel closing');
      // The first render of the new panel (a later one may follow when diagnostics arrive).
      const first = new Promise<RenderReport>((resolve) => {
        const opened = graph.onDidOpen((p) => {
          opened.dispose();
          const rendered = p.onDidRender((report) => {
            if (report.nodes.length !== 500) return;
            rendered.dispose();
            resolve(report);
          });
        });
      });
      await vscode.commands.executeCommand('proxmoxIac.showGraph', vscode.Uri.file(file()));
      panel = await waitFor(() => graph.panels.get(file()), 'the panel opening');
      const r = await first;
      assert.equal(r.relayout, true);
      assert.equal(r.edges.length, 496);
      layouts.push(r.layoutMs);
      renders.push(r.renderMs);
    }
    assert.ok(panel);
    const edits: number[] = [];
    const builds: number[] = [];
    const pageMs: number[] = [];
    const toPage: number[] = [];
    const inPage: number[] = [];
    const back: number[] = [];
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const wholes: number[] = [];
    for (let round = 0; round < ROUNDS * 4; round++) {
      // Pairs of rounds alternate between deltas and the whole view each time (as before deltas), in one window.
      const delta = Math.floor(round / 2) % 2 === 0;
      panel.sendDeltas = delta;
      const version = panel.lastReport!.version;
      const text = doc.getText();
      const flip = round % 2 === 0;
      const at = text.indexOf('vmid: 1002');
      const next = flip ? 'vmid: 1003' : 'vmid: 1002';
      const from = flip ? at : text.indexOf('vmid: 1003');
      const done = nextRender(panel, version);
      const deltas = panel.sent.deltas;
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(from), doc.positionAt(from + 10)), next));
      const { report, at: arrived } = await done;
      assert.equal(report.relayout, false, 'a VMID change keeps the layout');
      if (!delta) {
        wholes.push(arrived - panel.startedAt.get(report.version)!);
        continue;
      }
      assert.ok(panel.sent.deltas > deltas, 'a VMID change goes to the page as a delta');
      assert.equal(report.nodes.length, 500, 'the merged report has every node');
      edits.push(arrived - panel.startedAt.get(report.version)!);
      builds.push(panel.postedAt.get(report.version)! - panel.startedAt.get(report.version)!);
      pageMs.push(report.renderMs);
      toPage.push((report.receivedAt ?? NaN) - panel.postedEpoch.get(report.version)!);
      inPage.push((report.sentAt ?? NaN) - (report.receivedAt ?? NaN));
      back.push(panel.arrivedEpoch.get(report.version)! - (report.sentAt ?? NaN));
    }
    reportMetric('layout500Ms', Math.round(median(layouts)));
    reportMetric('render500Ms', Math.round(median(renders)));
    reportMetric('edit500Ms', Math.round(median(edits)));
    reportMetric('editBuild500Ms', Math.round(median(builds)));
    reportMetric('editPage500Ms', Math.round(median(pageMs)));
    reportMetric('editToPage500Ms', Math.round(median(toPage)));
    reportMetric('editInPage500Ms', Math.round(median(inPage)));
    reportMetric('editBack500Ms', Math.round(median(back)));
    reportMetric('editWhole500Ms', Math.round(median(wholes)));
    panel.sendDeltas = true;
    const relayouts: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const version = panel.lastReport!.version;
      // A render of an earlier edit's diagnostics may come first; the timing is of the one with a new layout.
      const done = nextRender(panel, version, true);
      const extra = '\n  - name: extra\n    type: vm\n    parent: node-0010\n';
      if (round % 2 === 0) await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), extra));
      else {
        const at = doc.getText().lastIndexOf(extra);
        await editor.edit((e) => e.delete(new vscode.Range(doc.positionAt(at), doc.positionAt(at + extra.length))));
      }
      const { report, at: arrived } = await done;
      assert.equal(report.relayout, true);
      relayouts.push(arrived - panel.startedAt.get(report.version)!);
    }
    reportMetric('editRelayout500Ms', Math.round(median(relayouts)));
    // The message path alone: an update that changes nothing (an empty delta there and a report back).
    const empties: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await sleepUntilQuiet(panel);
      const version = panel.lastReport!.version;
      const done = nextRender(panel, version);
      await panel.update();
      const { report, at: arrived } = await done;
      empties.push(arrived - panel.startedAt.get(report.version)!);
    }
    reportMetric('editEmpty500Ms', Math.round(median(empties)));
    reportMetric('layoutRounds', layouts.length, 'count');
    console.log(`layouts ${JSON.stringify(layouts.map(Math.round))} renders ${JSON.stringify(renders.map(Math.round))} edits ${JSON.stringify(edits.map(Math.round))} whole-view edits ${JSON.stringify(wholes.map(Math.round))} (view build ${JSON.stringify(builds.map(Math.round))}, page ${JSON.stringify(pageMs.map(Math.round))}, to page ${JSON.stringify(toPage.map(Math.round))}, in page ${JSON.stringify(inPage.map(Math.round))}, back ${JSON.stringify(back.map(Math.round))}) relayouts ${JSON.stringify(relayouts.map(Math.round))} empty ${JSON.stringify(empties.map(Math.round))}`);
  });
});
