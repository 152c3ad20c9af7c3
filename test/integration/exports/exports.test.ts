import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, sleep } from '../harness';
import { pathsToSecrets } from '../secretReach';

describe('exports (what another extension can reach)', () => {
  it('getExtension(…).exports holds no way to a stored token', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    const exports: unknown = ext.isActive ? ext.exports : await ext.activate();
    assert.ok(ext.isActive, 'the extension did not activate');
    // The extension works (its commands are there) and a secret is stored for the "probe" connection.
    assert.ok((await vscode.commands.getCommands(true)).includes('proxmoxIac.showLog'));
    const secretsFile = process.env.PROXMOX_IAC_SECRETS_FILE;
    assert.ok(secretsFile, 'the suite did not pass PROXMOX_IAC_SECRETS_FILE');
    const secret = (JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, string>).probe;
    // Give the import (started during activation) time to run, so that a leak could show.
    await sleep(500);
    assert.deepEqual(pathsToSecrets(exports, secret), []);
    assert.equal(exports, undefined, 'production exports should be nothing at all');
    assert.deepEqual(pathsToSecrets(ext, secret), []);
  });
});
