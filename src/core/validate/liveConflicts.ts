/**
 * Live VMID conflicts: a VMID that an IaC file declares (manifest node, talos node, hosts.nix host,
 * vms/definitions.nix entry) while a live guest of another name already has it. The live cluster comes in as
 * plain data (`LiveCluster`: VMID, name, node, template), so this runs wherever the language service runs,
 * a worker thread included. The diagnostic sits on the VMID's own text and carries the next free VMID in the
 * configured ranges for the quick fix.
 */
import { nextFreeVmid } from '../iac/freeVmid';
import { manifestNodes } from '../iac/manifest';
import { talosNodes } from '../iac/talos';
import { LineIndex, rangesOverlap } from '../iac/text';
import type { DeclaredGuest, IacDiagnostic, IacFormat, Range } from '../iac/types';
import { locate, parseYaml } from '../iac/yaml/parse';
import type { CodeFix, LiveCluster } from './api';

export const LIVE_VMID_CONFLICT = 'live-vmid-conflict';

/** One VMID an IaC file declares, where its number is written. */
export interface VmidSite {
  readonly name: string;
  readonly vmid: number;
  readonly range: Range;
  /** Declares a template: any live template may hold the VMID under another name. */
  readonly template?: boolean;
}

type Ranges = readonly (readonly [number, number])[];

/** The conflicts among `sites`, given the live guests. */
export function liveVmidConflicts(sites: readonly VmidSite[], live: LiveCluster, ranges: Ranges = []): IacDiagnostic[] {
  const byVmid = new Map(live.guests.map((g) => [g.vmid, g] as const));
  const used = new Set<number>([...byVmid.keys(), ...sites.map((s) => s.vmid)]);
  const out: IacDiagnostic[] = [];
  for (const site of sites) {
    const g = byVmid.get(site.vmid);
    if (!g) continue;
    if (g.name.toLowerCase() === site.name.toLowerCase()) continue;
    if (site.template && g.template) continue;
    const free = nextFreeVmid(used, ranges);
    const where = ranges.length ? ' in proxmoxIac.validation.vmidRanges' : '';
    const fix = free !== undefined ? ` ${free} is the next free VMID${where}.` : ` No VMID${where} is free; widen the ranges.`;
    out.push({
      range: site.range,
      severity: 'warning',
      code: LIVE_VMID_CONFLICT,
      message: `VMID ${site.vmid} is already used by '${g.name}' on node ${g.node} in the live cluster, not by '${site.name}': creating '${site.name}' would fail or replace that guest.${fix}`,
      data: { ...(free !== undefined ? { replacement: String(free) } : {}), guest: g.name, node: g.node },
    });
  }
  return out;
}

/** Manifest and talos nodes with a VMID, at the VMID's value (`vmid:` / talos `vm_id:`). */
export function yamlVmidSites(format: IacFormat, text: string): VmidSite[] {
  if (format !== 'manifest' && format !== 'talos-nodes') return [];
  const tree = parseYaml(text);
  if (tree.errors.length) return [];
  const lines = new LineIndex(text);
  const out: VmidSite[] = [];
  for (const doc of tree.docs) {
    const nodes = format === 'manifest' ? manifestNodes(doc.data) : talosNodes(doc.data);
    const key = format === 'manifest' ? 'vmid' : 'vm_id';
    for (const n of nodes) {
      if (n.vmid === undefined || !n.name) continue;
      const value = locate(doc.root, ['nodes', n.index, key]).node;
      if (value) out.push({ name: n.name, vmid: n.vmid, range: lines.range(value.s, value.e) });
    }
  }
  return out;
}

/**
 * hosts.nix / vms/definitions.nix VMIDs from the declarations the Nix evaluation found: the number of the
 * first `vmid = N` (or `templateVmid = N`) at or after each declaration. Read-only entries (imported VMs)
 * document guests that already exist and are skipped.
 */
export function nixVmidSites(text: string, declared: readonly DeclaredGuest[]): VmidSite[] {
  const lines = new LineIndex(text);
  const out: VmidSite[] = [];
  for (const d of declared) {
    if (d.vmid === undefined || d.readonly) continue;
    const re = new RegExp(`\\b(?:vmid|templateVmid)\\s*=\\s*(${d.vmid})\\s*;`, 'g');
    re.lastIndex = lines.offsetAt(d.range.start);
    const m = re.exec(text);
    const start = m ? m.index + m[0].lastIndexOf(m[1]) : undefined;
    const range = start !== undefined ? lines.range(start, start + m![1].length) : d.range;
    out.push({ name: d.name, vmid: d.vmid, range, ...(d.template ? { template: true } : {}) });
  }
  return out;
}

/** "Use the next free VMID N" for each conflict that knows one. */
export function liveConflictFixes(range: Range, diagnostics: readonly IacDiagnostic[]): CodeFix[] {
  const out: CodeFix[] = [];
  for (const d of diagnostics) {
    const replacement = d.data?.replacement;
    if (d.code !== LIVE_VMID_CONFLICT || typeof replacement !== 'string' || !rangesOverlap(d.range, range)) continue;
    out.push({ title: `Use the next free VMID ${replacement}`, diagnosticCode: d.code, edits: [{ range: d.range, newText: replacement }], isPreferred: true });
  }
  return out;
}
