// The provisioning suite: the demo simulator in a child process, one connection to it (secret through
// PROXMOX_IAC_SECRETS_FILE), and a copy of the example workspace (site-config, nixos-fleet) to write into.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const workspace = 'test/fixtures/explorer';
export const timeoutMs = 480_000;

export async function setup({ repoRoot, tmpDir }) {
  const infoFile = join(tmpDir, 'sim-info.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/integration/provisioning/sim-host.ts'), infoFile], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  const until = Date.now() + 120_000;
  while (!existsSync(infoFile)) {
    if (child.exitCode !== null) throw new Error(`the simulator exited early (code ${child.exitCode})`);
    if (Date.now() > until) {
      child.kill('SIGTERM');
      throw new Error('the simulator did not start within 120 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8'));
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
    teardown: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
