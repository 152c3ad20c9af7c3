/**
 * What other extensions get from `getExtension('proxmox-iac.proxmox-iac').exports`: nothing outside the
 * extension's own test runs (the services reach `context.secrets` and the store's `secret(id)`).
 * The integration suite `exports` checks the same in a real VS Code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extensionExports } from '../../src/vscode/exports';
import type { ExtensionApi } from '../../src/vscode/services';

const api = { activationMs: 1, services: { context: { secrets: { get: () => 'token' } } } } as unknown as ExtensionApi;

test('exports are undefined in production and development, the API only in test mode', () => {
  assert.equal(extensionExports({ testMode: false, forceProduction: false }, api), undefined);
  assert.equal(extensionExports({ testMode: false, forceProduction: true }, api), undefined);
  assert.equal(extensionExports({ testMode: true, forceProduction: true }, api), undefined);
  assert.equal(extensionExports({ testMode: true, forceProduction: false }, api), api);
});
