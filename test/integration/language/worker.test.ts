import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, reportMetric, sleep } from '../harness';
import { WORST_CASES } from '../../../bench/validate/worstCases';
import { GATE_COMPUTING, GATE_HOLDING, GATE_IDLE } from '../../../src/core/validate/worker/testGate';
import { describeDiagnostics, hoverText, ourDiagnostics, siteFile, waitForDiagnostics } from './util';

/** Polls a synchronous state until it holds (no fixed delay decides anything). */
async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) assert.fail(`${what} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('The language service runs in a worker thread', () => {
  const file = siteFile('manifests/worst-1mb.yaml');
  const uri = vscode.Uri.file(file);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file, { force: true });
    await waitForDiagnostics(uri, (ds) => ds.length === 0, 'the deleted file to leave the Problems panel');
  });

  it('answers a request on the extension host while the worker holds the validation of a 1 MB broken manifest', async function () {
    this.timeout(300_000);
    const api = await activateExtension();
    const language = api?.language;
    assert.ok(language, 'the test-mode exports carry the language worker hooks');

    // A provider of the test's own: answering it needs the extension host's thread to be free.
    let sampler: ReturnType<typeof setInterval> | undefined;
    const probe = vscode.languages.registerHoverProvider({ scheme: 'untitled', language: 'plaintext' }, { provideHover: () => new vscode.Hover('probe answered') });
    try {
      const probeDoc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'probe' });

      // The worst case of bench/validate (an unclosed `[` followed by thousands of keys), just under 1 MB.
      const worst = WORST_CASES.find((c) => c.name === 'unclosed-bracket');
      assert.ok(worst);
      language.hold(file);
      // Every turn the extension host's thread gets while the worker parses is counted (reported below).
      let turnsWhileComputing = 0;
      sampler = setInterval(() => {
        if (language.gate.state === GATE_COMPUTING) turnsWhileComputing++;
      }, 1);
      fs.writeFileSync(file, worst.generate(1_000_000 - 200));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

      // The worker reports (through shared memory, read synchronously here) that it is validating the file.
      await waitUntil(() => language.gate.state !== GATE_IDLE, 'the worker to start validating the 1 MB file');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', probeDoc.uri, new vscode.Position(0, 1));
      const whenAnswered = language.gate.state;
      assert.match(hoverText(hovers), /probe answered/);
      assert.ok(
        whenAnswered === GATE_COMPUTING || whenAnswered === GATE_HOLDING,
        `the worker still had the validation in flight when the extension host answered (state ${whenAnswered})`,
      );
      assert.equal(ourDiagnostics(uri).length, 0, `no result was delivered yet: ${describeDiagnostics(ourDiagnostics(uri))}`);
      // Whether the answer came while the worker was still parsing (not only holding the result) depends on
      // the machine's load: reported, not asserted.
      clearInterval(sampler);
      reportMetric('extension-host timer turns while the worker parsed the 1 MB file', turnsWhileComputing, 'turns');

      language.gate.release();
      const ds = await waitForDiagnostics(uri, (all) => all.some((d) => d.code === 'yaml-syntax'), 'the syntax error of the unclosed [', 180_000);
      // The parser notices the missing `]` on the line after `pattern: [tiered`.
      assert.ok(ds.some((d) => d.code === 'yaml-syntax' && d.range.start.line === 3 && /flow collection/.test(d.message)), describeDiagnostics(ds));
    } finally {
      clearInterval(sampler);
      probe.dispose();
    }
  });
});
