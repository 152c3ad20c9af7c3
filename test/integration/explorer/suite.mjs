// The explorer suite: a simulated PVE 9.1 cluster (demo seed) in a child process, and connections to it
// given to the extension the way a user's settings would, with the token secrets through the development
// hook PROXMOX_IAC_SECRETS_FILE (never in settings or on a command line).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildHost } from '../../../scripts/vscode/childHost.mjs';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.explorer;
export const timeoutMs = 480_000; // hang guard, sized for a loaded machine (tests are bounded by mocha)

/** A well-formed SHA-256 fingerprint that is not the simulator's: the "certificate changed" case. */
const WRONG_FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 1).toString(16).padStart(2, '0').toUpperCase()).join(':');

export async function setup({ repoRoot, tmpDir }) {
  const { info, stop } = await startChildHost({ repoRoot, script: 'test/integration/explorer/sim-host.ts', infoFile: join(tmpDir, 'sim-info.json'), what: 'the simulator' });
  const secretsFile = join(tmpDir, 'explorer-secrets.json');
  writeFileSync(
    secretsFile,
    // `revoked` gets a secret the server does not know (a 401); `unset` gets none at all.
    JSON.stringify({ demo: info.tokens.admin.secret, tampered: info.tokens.admin.secret, auditor: info.tokens.auditor.secret, revoked: '00000000-0000-4000-8000-000000000000' }),
    { mode: 0o600 },
  );
  return {
    env: {
      PROXMOX_IAC_SECRETS_FILE: secretsFile,
      PROXMOX_IAC_TEST_SIM_CONTROL: info.control,
    },
    settings: {
      'proxmoxIac.connections': [
        { id: 'demo', name: 'Demo cluster', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint },
        { id: 'auditor', name: 'Auditor view', url: info.url, auth: 'token', tokenId: info.tokens.auditor.id, fingerprint: info.fingerprint },
        { id: 'tampered', name: 'Tampered certificate', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: WRONG_FINGERPRINT },
        { id: 'revoked', name: 'Revoked token', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint },
        { id: 'unset', name: 'No secret yet', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint },
      ],
      'proxmoxIac.readonlyVmids': [151],
      // Tests refresh on demand; one test turns polling on to see it run only while the view is visible.
      'proxmoxIac.explorer.refreshInterval': 0,
      'workbench.startupEditor': 'none',
    },
    teardown: stop,
  };
}
