/**
 * Foreign-key checks for the site-config entity files other than manifests (specs, envs, vms, nodes, hosts),
 * with the error on the referring value. References into secrets.yaml are checked only against a decrypted
 * secrets.yaml, never the example, and never show a secret value.
 */
import type { EntityDir } from './formats';
import type { Issue } from './issues';
import { REF_DIRS } from './eras';
import { checkRef } from './manifest';
import { isRecord } from './siteConfig';
import type { IacFormat } from './types';

export interface EntityFacts {
  readonly names: (dir: EntityDir) => readonly string[];
  /** Keys per section of the real secrets.yaml; undefined when there is none. */
  readonly secretKeys: Record<string, string[]> | undefined;
}

/** A reference from one key of a format to an entity folder or a secrets.yaml section. */
export interface RefRule {
  /** Path pattern: strings are keys, '*' is any list index. */
  readonly path: readonly string[];
  readonly target: { readonly dir: EntityDir | readonly EntityDir[] } | { readonly secrets: string };
  readonly what: string;
  /**
   * Why a dangling reference is only a warning: set where no tool dereferences the key (it documents the
   * set-up), so a missing target breaks nothing.
   */
  readonly onlyDocuments?: string;
}

export const REF_RULES: Partial<Record<IacFormat, readonly RefRule[]>> = {
  manifest: [
    { path: ['nodes', '*', 'spec'], target: { dir: REF_DIRS.spec }, what: 'spec' },
    { path: ['nodes', '*', 'preset'], target: { dir: REF_DIRS.preset }, what: 'preset' },
    { path: ['levels', '*', 'vm_preset'], target: { dir: REF_DIRS.vmPreset }, what: 'preset' },
    { path: ['levels', '*', 'template'], target: { dir: 'vms' }, what: 'template' },
    { path: ['levels', '*', 'env'], target: { dir: 'envs' }, what: 'env' },
  ],
  spec: [
    { path: ['access', 'posture'], target: { dir: 'postures' }, what: 'posture' },
    { path: ['access', 'users', '*', 'ssh_keys', '*'], target: { secrets: 'ssh_keys' }, what: 'SSH key' },
  ],
  env: [
    { path: ['posture'], target: { dir: 'postures' }, what: 'posture' },
    { path: ['node'], target: { dir: 'nodes' }, what: 'node' },
    { path: ['vms', '*', 'template'], target: { dir: 'vms' }, what: 'template' },
    { path: ['vms', '*', 'preset'], target: { dir: ['presets', 'vms/presets'] }, what: 'preset' },
  ],
  vm: [{ path: ['preset'], target: { dir: ['presets', 'vms/presets'] }, what: 'preset' }],
  node: [
    { path: ['host'], target: { dir: 'hosts' }, what: 'host', onlyDocuments: 'iac-driver never reads hosts/<host>.yaml through a node (hosts/ files are generated on each machine by `make host-config` and often not committed), so this is only a warning.' },
    { path: ['parent_node'], target: { dir: 'nodes' }, what: 'node', onlyDocuments: 'iac-driver does not read parent_node, so this is only a warning.' },
    { path: ['api_token'], target: { secrets: 'api_tokens' }, what: 'API token' },
  ],
  host: [{ path: ['access', 'authorized_keys', '*'], target: { secrets: 'ssh_keys' }, what: 'SSH key' }],
};

/** Every (path, value) that matches a rule's path pattern. */
export function matchRule(data: unknown, pattern: readonly string[]): { path: (string | number)[]; value: unknown }[] {
  const out: { path: (string | number)[]; value: unknown }[] = [];
  const walk = (v: unknown, i: number, path: (string | number)[]): void => {
    if (i === pattern.length) {
      out.push({ path, value: v });
      return;
    }
    const seg = pattern[i];
    if (seg === '*') {
      if (Array.isArray(v)) v.forEach((item, idx) => walk(item, i + 1, [...path, idx]));
    } else if (isRecord(v) && seg in v) walk(v[seg], i + 1, [...path, seg]);
  };
  walk(data, 0, []);
  return out;
}

/** The rule whose path matches `path` exactly (for hover, completion and definition). */
export function ruleAt(format: IacFormat, path: readonly (string | number)[]): RefRule | undefined {
  return REF_RULES[format]?.find(
    (r) => r.path.length === path.length && r.path.every((seg, i) => (seg === '*' ? typeof path[i] === 'number' : seg === path[i])),
  );
}

/** Foreign-key errors of one site-config file (manifests have their own checks in manifest.ts). */
export function checkEntityRefs(format: IacFormat, data: unknown, facts: EntityFacts): Issue[] {
  const issues: Issue[] = [];
  for (const rule of REF_RULES[format] ?? []) {
    for (const { path, value } of matchRule(data, rule.path)) {
      if (typeof value !== 'string') continue;
      if ('dir' in rule.target) {
        const dirs: readonly EntityDir[] = typeof rule.target.dir === 'string' ? [rule.target.dir] : rule.target.dir;
        const names = [...new Set(dirs.flatMap((d) => facts.names(d)))];
        const found = checkRef(path, value, names, rule.what, dirs);
        issues.push(...(rule.onlyDocuments ? found.map((i) => ({ ...i, severity: 'warning' as const, message: `${i.message} ${rule.onlyDocuments}` })) : found));
      } else if (facts.secretKeys) {
        const keys = facts.secretKeys[rule.target.secrets] ?? [];
        if (!keys.includes(value)) {
          issues.push({
            path,
            on: 'value',
            severity: 'error',
            code: 'unknown-secret',
            message: `Unknown ${rule.what} '${value}': secrets.yaml has no ${rule.target.secrets}.${value}. Add it to secrets.yaml (then re-encrypt) or fix the reference.`,
          });
        }
      }
    }
  }
  return issues;
}

/** The file name is the id; a different `node:` / `host:` inside it confuses iac-driver's lookups. */
export function checkIdMatchesFile(format: IacFormat, data: unknown, id: string): Issue[] {
  const key = format === 'node' ? 'node' : format === 'host' ? 'host' : undefined;
  if (!key || !isRecord(data) || typeof data[key] !== 'string' || data[key] === id) return [];
  return [
    {
      path: [key],
      on: 'value',
      severity: 'warning',
      code: 'id-mismatch',
      message: `'${key}: ${String(data[key])}' does not match the file name '${id}'; iac-driver identifies ${format}s by file name. Rename the file or the value.`,
      data: { replacement: id },
    },
  ];
}
