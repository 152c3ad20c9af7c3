/**
 * talos-cluster nodes.yaml and cluster.yaml: the uniqueness rules its CUE schema adds on top of the JSON Schema
 * (node names, addresses and MAC addresses unique; we also keep VM IDs unique).
 */
import type { Issue } from './issues';
import { reportMisspelledKeys } from './misspelledKeys';
import { SCHEMAS, type SchemaNode } from './schemas';
import { isRecord } from './siteConfig';
import { checkTalosNetwork } from './talosNetwork';

export interface TalosNodeView {
  readonly index: number;
  readonly name: string | undefined;
  readonly vmid: number | undefined;
}

export function talosNodes(data: unknown): TalosNodeView[] {
  if (!isRecord(data) || !Array.isArray(data.nodes)) return [];
  const out: TalosNodeView[] = [];
  data.nodes.forEach((n: unknown, index) => {
    if (!isRecord(n)) return;
    out.push({ index, name: typeof n.name === 'string' ? n.name : undefined, vmid: typeof n.vm_id === 'number' ? n.vm_id : undefined });
  });
  return out;
}

const UNIQUE: readonly [key: string, what: string][] = [
  ['name', 'node name'],
  ['address', 'address'],
  ['mac_addr', 'MAC address'],
  ['vm_id', 'VM ID'],
];

export function checkTalosNodes(data: unknown): Issue[] {
  if (!isRecord(data) || !Array.isArray(data.nodes)) return [];
  const issues: Issue[] = [];
  for (const [key, what] of UNIQUE) {
    const first = new Map<string, number>();
    data.nodes.forEach((n: unknown, i) => {
      if (!isRecord(n)) return;
      const v = n[key];
      if (typeof v !== 'string' && typeof v !== 'number') return;
      const k = String(v).toLowerCase();
      const prev = first.get(k);
      if (prev === undefined) first.set(k, i);
      else {
        issues.push({
          path: ['nodes', i, key],
          on: 'value',
          severity: 'error',
          code: `duplicate-${key.replace('_', '-')}`,
          message: `Duplicate ${what} '${String(v)}': node ${prev + 1} already uses it. Each node needs its own ${what}.`,
        });
      }
    });
  }
  return issues;
}

/** Keys a feature needs once it is switched on (the template's conditional requirements). */
const FEATURES: readonly { readonly when: string; readonly what: string; readonly needs: readonly string[] }[] = [
  { when: 'proxmox_api_url', what: 'OpenTofu VM provisioning (task infra:*)', needs: ['proxmox_node', 'proxmox_api_token_id', 'proxmox_api_token_secret'] },
  { when: 'proxmox_node', what: 'OpenTofu VM provisioning (task infra:*)', needs: ['proxmox_api_url'] },
  { when: 'proxmox_csi_enabled', what: 'Proxmox CSI', needs: ['proxmox_endpoint', 'proxmox_csi_token_id', 'proxmox_csi_token_secret', 'proxmox_csi_storage'] },
  { when: 'proxmox_ccm_enabled', what: 'Proxmox CCM', needs: ['proxmox_endpoint', 'proxmox_ccm_token_id', 'proxmox_ccm_token_secret'] },
];

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== false;
}

/** cluster.yaml: a switched-on Proxmox feature without the keys it needs (reported on the switch). */
export function checkTalosCluster(data: unknown): Issue[] {
  if (!isRecord(data)) return [];
  const issues: Issue[] = [];
  for (const f of FEATURES) {
    if (!isSet(data[f.when])) continue;
    const missing = f.needs.filter((k) => !isSet(data[k]));
    if (!missing.length) continue;
    issues.push({
      path: [f.when],
      on: 'key',
      severity: 'error',
      code: 'talos-incomplete',
      message: `${f.what} is enabled by '${f.when}' but ${missing.map((k) => `'${k}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set; add ${missing.length === 1 ? 'it' : 'them'} to cluster.yaml.`,
      data: { missing },
    });
  }
  return issues;
}

const clusterSchema = SCHEMAS['talos-cluster'] as SchemaNode;
const CLUSTER_KEYS = {
  known: Object.keys(clusterSchema.properties ?? {}),
  // A key the CUE schema defaults (`*"10.42.0.0/16" | …`) is not required of the author.
  required: ((clusterSchema as { required?: string[] }).required ?? []).filter((k) => clusterSchema.properties?.[k]?.default === undefined),
  consumer: "talos-cluster's template",
};

/**
 * Every cluster.yaml check after the schema's: misspelled keys on their own line (replacing the "missing
 * required key" they cause), features switched on without their keys, and the network rules.
 */
export function talosClusterIssues(data: unknown, schemaIssues: readonly Issue[]): Issue[] {
  return [...reportMisspelledKeys(data, schemaIssues, CLUSTER_KEYS), ...checkTalosCluster(data), ...checkTalosNetwork(data)];
}
