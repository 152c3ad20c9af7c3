/**
 * Test helper: copies of the real nixos-fleet example (hosts.nix + vms/definitions.nix) in a temp dir, with
 * edits applied to the text, and a way to find the zero-based line of a piece of text.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const EXAMPLE_DIR = join(__dirname, '../../fixtures/examples/nixos-fleet');
export const REAL_HOSTS = readFileSync(join(EXAMPLE_DIR, 'hosts.nix'), 'utf8');
export const REAL_DEFINITIONS = readFileSync(join(EXAMPLE_DIR, 'vms/definitions.nix'), 'utf8');

export interface FleetCopy {
  readonly dir: string;
  readonly hostsPath: string;
  readonly definitionsPath: string;
  remove(): void;
}

/** `definitions: null` leaves vms/definitions.nix out. */
export function fleetCopy(hosts = REAL_HOSTS, definitions: string | null = REAL_DEFINITIONS): FleetCopy {
  const dir = mkdtempSync(join(tmpdir(), 'nix-fleet-'));
  mkdirSync(join(dir, 'vms'));
  writeFileSync(join(dir, 'hosts.nix'), hosts);
  if (definitions !== null) writeFileSync(join(dir, 'vms/definitions.nix'), definitions);
  return {
    dir,
    hostsPath: join(dir, 'hosts.nix'),
    definitionsPath: join(dir, 'vms/definitions.nix'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Replaces the first occurrence of `find` after the line containing `anchor` (so "vmid = 112" can be
 * targeted inside one host); fails loudly when the fixture changed and the edit no longer applies.
 */
export function edit(text: string, anchor: string, find: string, replace: string): string {
  const from = text.indexOf(anchor);
  if (from < 0) throw new Error(`anchor ${anchor} not in fixture`);
  const at = text.indexOf(find, from);
  if (at < 0) throw new Error(`${find} not after ${anchor}`);
  return text.slice(0, at) + replace + text.slice(at + find.length);
}

/** Zero-based line of the first occurrence of `needle` after `anchor`. */
export function lineOf(text: string, needle: string, anchor = ''): number {
  const from = text.indexOf(anchor);
  const at = text.indexOf(needle, Math.max(0, from));
  if (from < 0 || at < 0) throw new Error(`${needle} not found`);
  return text.slice(0, at).split('\n').length - 1;
}
