// A helper process for a suite or bench (the simulator, sshd, a stand-in): `node --import tsx <script>
// <infoFile> ...args`, which writes what it serves as JSON to infoFile once it listens.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Starts the script and waits for its info file (starting tsx and a server takes long on a loaded machine,
 * hence the generous default). Resolves to the parsed info and a stop() that ends the process: SIGTERM, then
 * SIGKILL after `stopMs`.
 */
export async function startChildHost({ repoRoot, script, infoFile, args = [], what, startMs = 120_000, stopMs = 5000 }) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script), infoFile, ...args], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  const until = Date.now() + startMs;
  while (!existsSync(infoFile)) {
    if (child.exitCode !== null) throw new Error(`${what} exited early (code ${child.exitCode})`);
    if (Date.now() > until) {
      child.kill('SIGTERM');
      throw new Error(`${what} did not start within ${Math.round(startMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, stopMs))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return { info: JSON.parse(readFileSync(infoFile, 'utf8')), child, stop };
}
