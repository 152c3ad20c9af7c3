/**
 * Older site-config layouts that real repositories still have, read the way the iac-driver of their time
 * read them (homestak-dev/site-config history, January–February 2026):
 * - presets lived in `vms/presets/` (v1 manifests name them with `vm_preset`); v2 manifests of the
 *   transition named `v2/presets/` and `v2/specs/`; today both are `presets/` and `specs/`;
 * - postures were flat (`ssh_port`, `sudo_nopasswd` …) before the nested `ssh:`/`sudo:` form;
 * - `datastore` sat in site.yaml `defaults` before v0.13 moved it into each `nodes/<node>.yaml`.
 */
import type { EntityDir } from './formats';
import type { Issue } from './issues';
import { isRecord } from './siteConfig';

/** Where each kind of reference was looked up, newest layout first unless the era says otherwise. */
export const REF_DIRS = {
  /** v2 manifest `preset:`: `presets/`, earlier `v2/presets/`. */
  preset: ['presets', 'v2/presets'],
  /** v2 manifest `spec:`: `specs/`, earlier `v2/specs/`. */
  spec: ['specs', 'v2/specs'],
  /** v1 manifest `vm_preset:`: iac-driver's v1 resolver read `vms/presets/` only; later copies in `presets/`. */
  vmPreset: ['vms/presets', 'presets'],
} as const satisfies Record<string, readonly EntityDir[]>;

/** Flat posture keys (before v0.45) and where the nested form keeps each. */
const FLAT_POSTURE: readonly [flat: string, section: string, key: string][] = [
  ['ssh_port', 'ssh', 'port'],
  ['ssh_permit_root_login', 'ssh', 'permit_root_login'],
  ['ssh_password_authentication', 'ssh', 'password_authentication'],
  ['sudo_nopasswd', 'sudo', 'nopasswd'],
  ['fail2ban_enabled', 'fail2ban', 'enabled'],
];
const NESTED_SECTIONS = ['auth', 'ssh', 'sudo', 'fail2ban'];

/** A posture in the flat form of the first site-configs (no nested sections, at least one flat key). */
export function isFlatPosture(data: unknown): data is Record<string, unknown> {
  return isRecord(data) && !NESTED_SECTIONS.some((k) => k in data) && FLAT_POSTURE.some(([flat]) => flat in data);
}

export function flatPostureIssue(data: Record<string, unknown>): Issue {
  const first = FLAT_POSTURE.find(([flat]) => flat in data)![0];
  return {
    path: [first],
    on: 'key',
    severity: 'warning',
    code: 'posture-flat',
    message:
      "This posture uses the flat keys of site-configs before v0.45 (ssh_port, sudo_nopasswd …). Current iac-driver reads only the nested form (ssh.port, sudo.nopasswd …) and would silently use its defaults. Use the quick fix \"Convert to the nested posture format\".",
  };
}

/** The nested form of a flat posture, as YAML text; unknown keys are kept as they are. */
export function convertFlatPosture(data: Record<string, unknown>): string {
  const sections = new Map<string, [string, unknown][]>();
  const rest: [string, unknown][] = [];
  for (const [k, v] of Object.entries(data)) {
    const m = FLAT_POSTURE.find(([flat]) => flat === k);
    if (!m) {
      rest.push([k, v]);
      continue;
    }
    const list = sections.get(m[1]) ?? [];
    list.push([m[2], v]);
    sections.set(m[1], list);
  }
  const out: string[] = [];
  for (const section of ['ssh', 'sudo', 'fail2ban']) {
    const entries = sections.get(section);
    if (!entries) continue;
    out.push(`${section}:`);
    for (const [k, v] of entries) out.push(`  ${k}: ${scalar(k, v)}`);
    out.push('');
  }
  for (const [k, v] of rest) {
    if (Array.isArray(v)) {
      out.push(`${k}:`);
      for (const item of v) out.push(`  - ${scalar(k, item)}`);
    } else out.push(`${k}: ${scalar(k, v)}`);
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function scalar(key: string, v: unknown): string {
  // sshd policies are strings: keep yes/no quoted so PyYAML does not read booleans.
  if (typeof v === 'boolean' && /permit_root_login|password_authentication/.test(key)) return v ? '"yes"' : '"no"';
  if (typeof v === 'string') return /^[A-Za-z0-9][\w./-]*$/.test(v) && !/^(yes|no|on|off|true|false|null|y|n|~)$/i.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/**
 * `nodes/<node>.yaml` without `datastore`: iac-driver v0.13+ stops with "Node … missing required
 * 'datastore'"; before v0.13 the datastore came from site.yaml `defaults`, so a site.yaml that still has
 * one marks the older era and the node is fine.
 */
export function checkNodeDatastore(data: unknown, siteDefaults: Record<string, unknown> | undefined, id: string): Issue[] {
  if (!isRecord(data) || 'datastore' in data) return [];
  if (typeof siteDefaults?.datastore === 'string' && siteDefaults.datastore !== '') return [];
  return [
    {
      path: [],
      on: 'key',
      severity: 'error',
      code: 'missing-key',
      message: `Missing required key 'datastore': iac-driver (v0.13 and later) stops with "Node '${id}' missing required 'datastore'". Add the storage for VM disks, e.g. datastore: local-zfs.`,
      data: { missing: 'datastore' },
    },
  ];
}
