// Checks that the packaged .vsix installs into code-server and is then listed, as a user installing the
// release would. Packs the extension once per process (the runner builds first).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVsix } from '../package.mjs';
import { isolatedEnv } from './session.mjs';

let packed;

/** Runs the code-server CLI (it exits after install/list) and resolves to its output. */
function codeServerCli(install, tmpDir, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(install.nodeBin, [install.entry, '--user-data-dir', join(tmpDir, 'user-data'), '--extensions-dir', join(tmpDir, 'extensions'), ...args], {
      cwd: tmpDir,
      env: { ...process.env, ...isolatedEnv(tmpDir) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 60_000);
    timer.unref();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`code-server ${args.join(' ')} exited with ${code}:\n${output.trim().slice(-1500)}`));
    });
  });
}

/** Throws unless the .vsix installs into `install`'s code-server and shows up in --list-extensions. */
export async function checkVsixInstall(install) {
  const tmpDir = mkdtempSync(join(tmpdir(), 'proxmox-iac-vsix-'));
  try {
    if (!packed) {
      const packDir = mkdtempSync(join(tmpdir(), 'proxmox-iac-pack-'));
      process.once('exit', () => rmSync(packDir, { recursive: true, force: true }));
      packed = packageVsix(join(packDir, 'proxmox-iac.vsix'));
    }
    await codeServerCli(install, tmpDir, ['--install-extension', packed]);
    const list = await codeServerCli(install, tmpDir, ['--list-extensions', '--show-versions']);
    if (!/^proxmox-iac\.proxmox-iac@/m.test(list)) throw new Error(`installed, but --list-extensions shows:\n${list}`);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
