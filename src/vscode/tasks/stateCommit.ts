import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Git with an argument array in `cwd` (never a shell), bounded in time and output. */
async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', cwd, ...args], { timeout: 30_000, maxBuffer: 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return stdout;
}

/** The repository-relative state file of a state folder when git sees it changed (or new); undefined otherwise. */
export async function changedStateFile(repoDir: string, stateDir: string): Promise<string | undefined> {
  const file = join(stateDir, 'terraform.tfstate').split('\\').join('/');
  try {
    const status = await git(repoDir, ['status', '--porcelain', '--untracked-files=all', '--', file]);
    return status.trim() ? file : undefined;
  } catch {
    // Not a git repository, or git missing: nothing to offer.
    return undefined;
  }
}

/** Commits exactly that file (and nothing else staged) with `message`. */
export async function commitStateFile(repoDir: string, file: string, message: string): Promise<void> {
  await git(repoDir, ['add', '--', file]);
  await git(repoDir, ['commit', '-m', message, '--only', '--', file]);
}
