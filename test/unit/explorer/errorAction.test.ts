import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticationError, CertificateChangedError, ConnectionError, PermissionError } from '../../../src/core/pve/errors';
import { describeTreeError } from '../../../src/core/explorer';
import { errorAction } from '../../../src/vscode/errors/errorAction';

test('commands and tasks map an error to the same fix as the tree: 401 offers Re-enter Token', () => {
  const auth = new AuthenticationError('authentication failure', { status: 401, request: 'POST /nodes/prom/qemu/104/status/start' });
  const fix = errorAction(auth);
  assert.deepEqual(fix.action, { command: 'proxmoxIac.connections.enterSecret', title: 'Re-enter Token' });
  assert.deepEqual(fix.action, describeTreeError(auth).action, 'the tree row offers the same');
  assert.match(fix.message, /rejected the API token/);
  // A plain error that only carries the status (another client, a wrapped error) gets the same fix.
  assert.equal(errorAction(Object.assign(new Error('401 Unauthorized'), { status: 401 })).action?.title, 'Re-enter Token');
});

test('403 names the missing privilege; a changed certificate offers Review Certificate; other errors only the log', () => {
  const perm = errorAction(new PermissionError('Permission check failed (/vms/104, VM.PowerMgmt)', { user: 'a@pve!t', auth: 'token' }, { status: 403 }));
  assert.match(perm.message, /lacks VM\.PowerMgmt on \/vms\/104/);
  assert.match(perm.message, /pveum acl modify \/vms\/104/);
  assert.equal(perm.action, undefined);
  const textOnly = errorAction(Object.assign(new Error('Permission check failed (/storage/local, Datastore.AllocateSpace)'), { status: 403 }));
  assert.match(textOnly.message, /lacks Datastore\.AllocateSpace on \/storage\/local\. Grant it/);
  assert.doesNotMatch(textOnly.message, /refresh/, 'not the tree\'s "then refresh"');
  assert.equal(errorAction(new CertificateChangedError('AA:BB', 'CC:DD')).action?.title, 'Review Certificate');
  // "Retry" (refresh the tree) and "Show Log" are tree rows' actions; a notification always has Show Log.
  assert.equal(errorAction(new ConnectionError('ECONNREFUSED', 'ECONNREFUSED')).action, undefined);
  const other = errorAction(new Error('boom'));
  assert.deepEqual(other, { message: 'boom' });
});
