import type { IacFormat } from './types';

/** Site-config entity folders and the format of the YAML files directly inside them. */
export const ENTITY_DIRS = {
  manifests: 'manifest',
  specs: 'spec',
  presets: 'preset',
  postures: 'posture',
  nodes: 'node',
  hosts: 'host',
  envs: 'env',
  vms: 'vm',
} as const satisfies Record<string, IacFormat>;

/**
 * Entity folders, including retired ones that older site-configs still have: `vms/presets/` (presets before
 * v0.45) and the `v2/` tree that held specs, presets and postures while v1 and v2 lived side by side.
 */
export type EntityDir = keyof typeof ENTITY_DIRS | 'vms/presets' | 'v2/presets' | 'v2/specs' | 'v2/postures';

function parts(path: string): string[] {
  return path.split(/[\\/]+/).filter(Boolean);
}

function isYaml(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** The IaC format of a file, from its path alone; undefined for files the extension does not handle. */
export function detectFormat(path: string): IacFormat | undefined {
  const p = parts(path);
  const name = p[p.length - 1] ?? '';
  const dir = p[p.length - 2] ?? '';
  const grand = p[p.length - 3] ?? '';
  if (name === 'hosts.nix') return 'hosts-nix';
  if (name === 'definitions.nix' && dir === 'vms') return 'vm-definitions-nix';
  if (name === 'site.yaml' || name === 'site.yaml.example') return 'site';
  if (name === 'secrets.yaml' || name === 'secrets.yaml.example') return 'secrets';
  if (/^cluster(\.sample)?\.ya?ml$/.test(name)) return 'talos-cluster';
  if (/^nodes(\.sample)?\.ya?ml$/.test(name)) return 'talos-nodes';
  if (!isYaml(name)) return undefined;
  if (dir === 'presets' && grand === 'vms') return 'vm';
  if (Object.prototype.hasOwnProperty.call(ENTITY_DIRS, dir)) return ENTITY_DIRS[dir as keyof typeof ENTITY_DIRS];
  return undefined;
}

/** Which entity folder a site-config file lives in (`vms/presets` distinguished from `vms`). */
export function entityDirOf(path: string): EntityDir | undefined {
  const p = parts(path);
  const dir = p[p.length - 2] ?? '';
  const grand = p[p.length - 3] ?? '';
  if (dir === 'presets' && grand === 'vms') return 'vms/presets';
  if (Object.prototype.hasOwnProperty.call(ENTITY_DIRS, dir)) return dir as EntityDir;
  return undefined;
}

/** Entity id: the file name without its YAML extension (site-config's primary key). */
export function entityId(path: string): string {
  const p = parts(path);
  return (p[p.length - 1] ?? '').replace(/\.ya?ml$/i, '');
}

export function isSampleFile(path: string): boolean {
  return /\.sample\.ya?ml$|\.example$/i.test(path);
}
