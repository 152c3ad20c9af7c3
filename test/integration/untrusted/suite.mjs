// The untrusted suite: the fixture opens in Restricted Mode (Workspace Trust on, nothing trusted), to check
// that the extension runs nothing from the workspace there. A stand-in `nix-instantiate` first on PATH
// records every call to a log file before handing over to the real one, so a test can tell whether Nix ran
// at all, not only whether its diagnostics showed up.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.untrusted;
export const workspaceTrust = true;

/** The real nix-instantiate on PATH, if any (the stand-in hands over to it, so behaviour stays realistic). */
function realNixInstantiate() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'nix-instantiate'))) return join(dir, 'nix-instantiate');
  }
  return undefined;
}

/** Single-quotes a path for the generated sh script (the paths are ours, but quote them anyway). */
function shQuote(s) {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

export async function setup({ tmpDir }) {
  const binDir = join(tmpDir, 'nix-spy');
  mkdirSync(binDir, { recursive: true });
  const log = join(tmpDir, 'nix-calls.log');
  const real = realNixInstantiate();
  const handOver = real ? `exec ${shQuote(real)} "$@"` : `echo 'nix-instantiate: not installed' >&2; exit 127`;
  const spy = join(binDir, 'nix-instantiate');
  writeFileSync(spy, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${shQuote(log)}\n${handOver}\n`);
  chmodSync(spy, 0o755);
  return {
    env: {
      PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
      // The VS Code server otherwise gives the extension host the PATH of a login shell (`$SHELL -ilc env`),
      // which drops the stand-in; VSCODE_CLI=1 makes it skip that step ("resolveShellEnv(): skipped"). The
      // first test checks the stand-in is really first on the extension host's PATH.
      VSCODE_CLI: '1',
      PROXMOX_IAC_TEST_NIX_LOG: log,
    },
  };
}
