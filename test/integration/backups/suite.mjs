// The backups suite: the demo cluster in the simulator (the explorer suite's sim-host, with its seeded
// backups), one connection to it, and the explorer suite's workspace (the example IaC files the demo seed
// matches), so backups, restores and live VMID conflicts are exercised against the same guests a user sees.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildHost } from '../../../scripts/vscode/childHost.mjs';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.explorer;
export const timeoutMs = 480_000; // hang guard, sized for a loaded machine (tests are bounded by mocha)

export async function setup({ repoRoot, tmpDir }) {
  const { info, stop } = await startChildHost({ repoRoot, script: 'test/integration/explorer/sim-host.ts', infoFile: join(tmpDir, 'sim-info.json'), what: 'the simulator' });
  const secretsFile = join(tmpDir, 'backups-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ demo: info.tokens.admin.secret }), { mode: 0o600 });
  return {
    env: {
      PROXMOX_IAC_SECRETS_FILE: secretsFile,
      PROXMOX_IAC_TEST_SIM_CONTROL: info.control,
    },
    settings: {
      'proxmoxIac.connections': [{ id: 'demo', name: 'Demo cluster', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint }],
      'proxmoxIac.readonlyVmids': [151],
      'proxmoxIac.validation.vmidRanges': ['100-999'],
      'proxmoxIac.explorer.refreshInterval': 0,
      'workbench.startupEditor': 'none',
    },
    teardown: stop,
  };
}
