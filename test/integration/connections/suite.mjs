// The connections suite: a simulated PVE 9.1 cluster (demo seed) in a child process and NO configured
// connection; the tests add one through "Proxmox: Add Connection" by typing into the real QuickInput. The
// simulator's URL and token reach the tests through the info file sim-host.ts writes; the extension gets
// the secret only by the tests typing it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const workspace = 'test/fixtures/connections';
export const timeoutMs = 480_000; // hang guard, sized for a loaded machine (tests are bounded by mocha)

export async function setup({ repoRoot, tmpDir, workspaceDir }) {
  const infoFile = join(tmpDir, 'sim-info.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/integration/connections/sim-host.ts'), infoFile], {
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
  // A second site-config node whose api_endpoint is the tripwire: offered like any workspace endpoint, and
  // the tests check that nothing ever connected to it.
  writeFileSync(
    join(workspaceDir, 'site-config/nodes/tripwire.yaml'),
    `node: tripwire\nhost: tripwire\napi_endpoint: "${info.tripwire}"\napi_token: tripwire\n`,
  );
  return {
    env: {
      // A file (mode 0600), so the simulator's token secret is in no environment or command line.
      PROXMOX_IAC_TEST_SIM_INFO: infoFile,
      PROXMOX_IAC_TEST_SIM_CONTROL: info.control,
      // settings.json and the logs live below here (scripts/vscode/session.mjs: <tmpDir>/user-data).
      PROXMOX_IAC_TEST_USER_DATA: join(tmpDir, 'user-data'),
    },
    settings: {
      'workbench.startupEditor': 'none',
      'proxmoxIac.explorer.refreshInterval': 0,
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
