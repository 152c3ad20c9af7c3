import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { PageState } from '../../../src/core/webviews/agentboard/protocol';
import { screenshot } from '../harness';
import { boardApi, markerPath, reloaded, row, settled, waitFor, waitForRender } from './util';

// The window reload restarts the extension host, and with it this test run: the first run ends in the
// reload (board.test.ts's last test never reports), the second finds the marker and checks what came back.
if (reloaded()) {
  describe('The guest-agent board after a window reload', function () {
    this.timeout(120_000);
    it('comes back for the same connection, with the loopback toggle still on, and checks the guests again', async () => {
      const before = JSON.parse(fs.readFileSync(markerPath(), 'utf8')) as PageState;
      const board = await boardApi();
      const panel = await waitFor(() => board.panels.get(before.connectionId), 'the board panel being restored', 60_000);
      const r = await waitForRender(panel, (x) => settled(x) && x.showLocal, 'the restored board', 60_000);
      assert.equal(r.groups[0].title, 'Template 9002 · ubuntu-cloud-template');
      assert.ok(row(r, 104).addresses.includes('127.0.0.1/8'), 'the toggle is still on');
      await screenshot('agentboard-restored-after-reload');
    });
  });
}
