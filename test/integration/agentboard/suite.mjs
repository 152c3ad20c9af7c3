// The agentboard suite: the demo workspace (workspaces.demo) and the demo's simulated cluster, run by the
// explorer suite's sim-host (so tests can inject faults: a 403 for a token without VM.GuestAgent.Audit). The
// suite reloads the window once (restore.test.ts); the tests after the reload run in the same session.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildHost } from '../../../scripts/vscode/childHost.mjs';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.demo;
export const timeoutMs = 420_000;

export async function setup({ repoRoot, tmpDir }) {
  const { info, stop } = await startChildHost({ repoRoot, script: 'test/integration/explorer/sim-host.ts', infoFile: join(tmpDir, 'sim-info.json'), what: 'the simulator' });
  const secretsFile = join(tmpDir, 'agentboard-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ demo: info.tokens.admin.secret }), { mode: 0o600 });
  return {
    env: { PROXMOX_IAC_SECRETS_FILE: secretsFile, PROXMOX_IAC_TEST_SIM_CONTROL: info.control },
    settings: {
      'proxmoxIac.connections': [{ id: 'demo', name: 'Demo cluster', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint }],
      'proxmoxIac.explorer.refreshInterval': 0,
      'workbench.startupEditor': 'none',
    },
    teardown: stop,
  };
}
