// The agentboard suite: the demo workspace (test/fixtures/demo) and the demo's simulated cluster, run by the
// explorer suite's sim-host (so tests can inject faults: a 403 for a token without VM.GuestAgent.Audit). The
// suite reloads the window once (restore.test.ts); the tests after the reload run in the same session.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const workspace = 'test/fixtures/demo';
export const timeoutMs = 420_000;

export async function setup({ repoRoot, tmpDir }) {
  const infoFile = join(tmpDir, 'sim-info.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/integration/explorer/sim-host.ts'), infoFile], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const until = Date.now() + 120_000; // starting tsx and the simulator takes long on a loaded machine
  while (!existsSync(infoFile)) {
    if (child.exitCode !== null) throw new Error(`the simulator exited early (code ${child.exitCode})`);
    if (Date.now() > until) {
      child.kill('SIGTERM');
      throw new Error('the simulator did not start within 120 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8'));
  const secretsFile = join(tmpDir, 'agentboard-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ demo: info.tokens.admin.secret }), { mode: 0o600 });
  return {
    env: { PROXMOX_IAC_SECRETS_FILE: secretsFile, PROXMOX_IAC_TEST_SIM_CONTROL: info.control },
    settings: {
      'proxmoxIac.connections': [{ id: 'demo', name: 'Demo cluster', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint }],
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
