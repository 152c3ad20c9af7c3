/** Which `nix-instantiate` to run: an absolute path, found on PATH or in the usual Nix profiles. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Where Nix usually lives when it is not on PATH (VS Code started from a desktop often lacks the profile's PATH). */
function candidateNixBins(): string[] {
  return [
    'nix-instantiate',
    '/run/current-system/sw/bin/nix-instantiate',
    '/nix/var/nix/profiles/default/bin/nix-instantiate',
    join(homedir(), '.nix-profile/bin/nix-instantiate'),
    '/usr/bin/nix-instantiate',
    '/usr/local/bin/nix-instantiate',
  ];
}

/** The absolute path of `name` found on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir && isAbsolute(dir) && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

let resolvedDefaultBin: string | undefined;

/**
 * The `nix-instantiate` to run as an absolute path (the process gets no PATH, see `nixEnvironment`), or
 * undefined when none is installed.
 */
export function resolveNixBin(nixBin?: string): string | undefined {
  if (nixBin !== undefined) {
    if (nixBin.includes('/')) return existsSync(nixBin) ? resolve(nixBin) : undefined;
    return onPath(nixBin);
  }
  if (resolvedDefaultBin && existsSync(resolvedDefaultBin)) return resolvedDefaultBin;
  for (const c of candidateNixBins()) {
    const found = c.includes('/') ? (existsSync(c) ? c : undefined) : onPath(c);
    if (found) {
      resolvedDefaultBin = found;
      return found;
    }
  }
  return undefined;
}
