// The provisioning suite: the demo simulator in a child process, one connection to it (secret through
// PROXMOX_IAC_SECRETS_FILE), and a copy of the example workspace (site-config, nixos-fleet) to write into.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildHost } from '../../../scripts/vscode/childHost.mjs';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.explorer;
export const timeoutMs = 480_000;

export async function setup({ repoRoot, tmpDir }) {
  const { info, stop } = await startChildHost({ repoRoot, script: 'test/integration/provisioning/sim-host.ts', infoFile: join(tmpDir, 'sim-info.json'), what: 'the simulator' });
  const secretsFile = join(tmpDir, 'provisioning-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ demo: info.tokens.admin.secret }), { mode: 0o600 });
  return {
    env: { PROXMOX_IAC_SECRETS_FILE: secretsFile, PROXMOX_IAC_TEST_SIM_CONTROL: info.control },
    settings: {
      'proxmoxIac.connections': [{ id: 'demo', name: 'Demo cluster', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint }],
      'proxmoxIac.readonlyVmids': [151],
      'proxmoxIac.provisioning.agentInterval': 1,
      'proxmoxIac.provisioning.agentTimeout': 60,
      'proxmoxIac.explorer.refreshInterval': 0,
      'workbench.startupEditor': 'none',
    },
    teardown: stop,
  };
}
