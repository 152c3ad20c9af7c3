// The exports suite: the extension as another extension sees it. PROXMOX_IAC_TEST_EXPORTS=production makes
// activate() take its production path inside this test run (src/vscode/exports.ts), and a connection with a
// known secret is imported through PROXMOX_IAC_SECRETS_FILE so there is a secret to look for.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const workspace = 'test/fixtures/activation';

export async function setup({ tmpDir }) {
  const secretsFile = join(tmpDir, 'exports-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ probe: '5eb1a7c4-0d7e-4a52-9c3f-exports-suite' }), { mode: 0o600 });
  return {
    env: { PROXMOX_IAC_SECRETS_FILE: secretsFile, PROXMOX_IAC_TEST_EXPORTS: 'production' },
    settings: {
      'proxmoxIac.connections': [{ id: 'probe', name: 'Probe', url: 'https://127.0.0.1:9', auth: 'token', tokenId: 'root@pam!probe' }],
      'proxmoxIac.explorer.refreshInterval': 0,
      'workbench.startupEditor': 'none',
    },
  };
}
