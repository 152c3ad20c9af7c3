// Joins the simulated cluster to `npm run demo` (scripts/demo.mjs imports this file; same contract as an
// integration suite's suite.mjs): starts `proxmox-iac simulate` with the demo seed on a free 127.0.0.1
// port from the built CLI (the demo builds first), and gives the extension a connection to it — the
// settings hold URL, token id and the certificate fingerprint; the token secret goes through the
// development hook PROXMOX_IAC_SECRETS_FILE (a 0600 file in the demo's temp folder), never into settings
// or onto a command line.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CONNECTION_ID = 'demo-simulator';

/** Resolves once the simulator printed its URL and fingerprint (and wrote the token file). */
function waitForSimulator(child, tokenFile) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the simulator did not start within 30 s; it printed:\n${out}`)), 30_000);
    function fail(err) {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(err);
    }
    child.once('exit', (code) => fail(new Error(`the simulator exited (code ${code}); it printed:\n${out}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const fingerprint = /fingerprint: ([0-9A-F:]{95})/.exec(out)?.[1];
      const tokenId = /API token \(admin\): (\S+)/.exec(out)?.[1];
      if (url && fingerprint && tokenId && existsSync(tokenFile)) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ url, fingerprint, tokenId, secret: readFileSync(tokenFile, 'utf8').trim() });
      }
    });
  });
}

export async function setup({ repoRoot, tmpDir }) {
  const cli = join(repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs\` first (npm run demo does).`);
  const tokenFile = join(tmpDir, 'simulator-token');
  // Tasks take 2 s, so progress notifications and the status bar's task count are visible in the demo.
  const child = spawn(process.execPath, [cli, 'simulate', '--seed', 'demo', '--port', '0', '--token-file', tokenFile, '--task-ms', '2000', '--auth-delay-ms', '500'], {
    cwd: tmpDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sim = await waitForSimulator(child, tokenFile);
  const secretsFile = join(tmpDir, 'connection-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ [CONNECTION_ID]: sim.secret }), { mode: 0o600 });
  console.log(`demo: simulated Proxmox VE cluster at ${sim.url} (token ${sim.tokenId})`);
  return {
    // The first screen: the Proxmox view and the Get Started walkthrough (VS Code opens it after an install;
    // the demo's development extension is never installed, so it asks for it).
    env: { PROXMOX_IAC_SECRETS_FILE: secretsFile, PROXMOX_IAC_OPEN_WALKTHROUGH: '1' },
    // `npm run demo -- --screenshot F` waits for the cluster's guests in the tree before taking the picture.
    readySelector: '.part.sidebar .monaco-list-row[aria-label*="Doc1"]',
    settings: {
      'proxmoxIac.connections': [
        { id: CONNECTION_ID, name: 'Demo cluster (simulated)', url: sim.url, auth: 'token', tokenId: sim.tokenId, fingerprint: sim.fingerprint },
      ],
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
