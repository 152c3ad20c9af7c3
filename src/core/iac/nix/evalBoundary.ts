/** What a Nix evaluation may see: the folders it may read (never above the workspace) and its whole environment. */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** Whether `dir` is `root` or below it. */
function isWithin(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Folders the evaluation may read. Without a workspace folder holding the file: only the file's fleet root
 * (the folder of hosts.nix; the parent of `vms/`). Inside one: the nearest ancestor holding `flake.nix` or
 * `.git` (the user's Nix repository) that is still inside that workspace folder, else the fleet root. Never
 * a folder above the workspace: a workspace inside a dotfiles repository in $HOME must not let hosts.nix
 * read `../../.ssh/id_ed25519`.
 */
export function defaultAllowedPaths(file: string, workspaceRoots: readonly string[] = []): string[] {
  const own = dirname(resolve(file));
  const fleetRoot = /\/vms$/.test(own) ? dirname(own) : own;
  const root = workspaceRoots
    .map((r) => resolve(r))
    .filter((r) => isWithin(own, r))
    .sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return [fleetRoot];
  for (let dir = own; isWithin(dir, root); dir = dirname(dir)) {
    if (existsSync(join(dir, 'flake.nix')) || existsSync(join(dir, '.git'))) return [dir];
    if (dir === root) break;
  }
  return [isWithin(fleetRoot, root) ? fleetRoot : own];
}

/**
 * The whole environment nix-instantiate runs with; nothing of the editor's or CLI's environment is
 * inherited (a `PROXMOX_IAC_TOKEN` or `PROXMOX_IAC_SECRETS_FILE` must not reach workspace code through
 * `builtins.getEnv`, and `NIX_CONFIG` / `NIX_PATH` / `NIX_REMOTE` must not change what evaluation may do):
 * - `NIX_PATH=""`: `<nixpkgs>` and other search-path entries do not widen the allowed paths.
 * - `NIX_CONF_DIR=/dev/null`, `NIX_USER_CONF_FILES=/dev/null`: no nix.conf at all (it could enable
 *   `builtins.exec`, plugins or extra search paths); evaluation needs no setting from there.
 * - `HOME` and `XDG_CACHE_HOME` set to the temp folder: Nix wants a home for its cache and must not write
 *   into the user's; with `--store dummy://` it writes nothing there anyway.
 * - `LANG=C.UTF-8`: stable, parseable error messages.
 * No `PATH`: the binary is started by absolute path and evaluation runs no other program.
 */
export function nixEnvironment(): Record<string, string> {
  const tmp = tmpdir();
  return { NIX_PATH: '', NIX_CONF_DIR: '/dev/null', NIX_USER_CONF_FILES: '/dev/null', HOME: tmp, XDG_CACHE_HOME: tmp, LANG: 'C.UTF-8' };
}
