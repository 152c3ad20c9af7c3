/**
 * talos-cluster nodes.yaml: the uniqueness rules its CUE schema adds on top of the JSON Schema
 * (node names, addresses and MAC addresses unique; we also keep VM IDs unique).
 */
import type { Issue } from './issues';
import { isRecord } from './siteConfig';

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
