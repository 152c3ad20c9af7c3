import * as assert from 'node:assert/strict';
import { activateExtension, domTexts, screenshot, selectors, waitForNotification } from '../harness';

describe('activation failure', () => {
  it('returns no API when activation fails', async () => {
    assert.equal(await activateExtension(), undefined);
  });

  it('tells the user in a notification, with a way to open the log', async () => {
    const message = await waitForNotification('Proxmox IaC could not start');
    assert.match(message, /activation failure requested/, 'the notification should say why it failed');
    const buttons = await domTexts(selectors.notificationButtons);
    assert.ok(buttons.includes('Show Log'), `notification buttons: ${JSON.stringify(buttons)}`);
    await screenshot('activation-failure');
  });
});
