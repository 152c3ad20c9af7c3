/**
 * The NixOS-fleet model read from evaluated hosts.nix and vms/definitions.nix, and the checks on it.
 *
 * hosts.nix: a `_proxmox` block (host, node, defaultStorage, templateVmid) and one attribute per host;
 * hosts on Proxmox carry a `proxmox` set (vmid, cores, memory, disk, readonly …).
 * vms/definitions.nix (older, being superseded by hosts.nix): a `proxmox` connection block, `imported`
 * (existing VMs, documentation only, read-only), `managed` (VMs the automation owns), one `template`,
 * and `vmidRanges` (named start/end ranges). The same machine may appear in both files (hosts.nix's
 * `proxmox-vm` is definitions.nix's `imported.doc1`, tied by `hostname`), so a VMID shared by entries that
 * name the same machine is not a conflict.
 *
 * The checks: fleetCheck.ts (checkFleetFile), over fleetChecker.ts (per-attribute checks) and
 * fleetAttributes.ts (the known attributes and their types).
 */
import type { NixPos, PosTree } from './evaluate';
import { isNixFunctionMarker } from './wrapper';
import type { JsonValue } from './partialJson';

export type Obj = { readonly [key: string]: JsonValue };
export type NixFileKind = 'hosts' | 'definitions';

export const VMID_MIN = 100;
export const VMID_MAX = 9999;
export const MEMORY_MIN = 512;
export const MEMORY_MAX = 128_000;
export const DISK_SIZE = /^\d+[KMGT]?$/;

export function isObj(v: JsonValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isNixFunctionMarker(v);
}

/** One evaluated file with its positions. */
export interface EvaluatedNix {
  readonly kind: NixFileKind;
  readonly file: string;
  /** Path shown in messages: `hosts.nix`, `vms/definitions.nix`. */
  readonly label: string;
  readonly value: Obj;
  readonly positions: PosTree;
}

/** Position of an attribute path; the nearest ancestor's when the attribute has none in this file. */
export function positionOf(tree: PosTree, path: readonly string[]): { pos?: NixPos; exact: boolean } {
  let level: PosTree | null = tree;
  let pos: NixPos | undefined;
  let exact = false;
  for (const name of path) {
    const entry: PosTree[string] | undefined = level?.[name];
    if (!entry) {
      exact = false;
      break;
    }
    exact = entry.at !== null;
    if (entry.at) pos = entry.at;
    level = entry.sub;
  }
  return pos ? { pos, exact } : { exact: false };
}

/** A VM that either file declares. */
export interface FleetVm {
  readonly section: 'host' | 'imported' | 'managed' | 'template';
  /** The attribute name: the host, or the entry in imported/managed; `template` for the template. */
  readonly key: string;
  /** Attribute path of the entry (`['igpu']`, `['imported', 'igp']`, `['template']`). */
  readonly path: readonly string[];
  /** Attribute path of the set that holds vmid (`['igpu', 'proxmox']`, `['imported', 'igp']`). */
  readonly vmPath: readonly string[];
  readonly vm: Obj;
  /** Attribute path of the set that holds cores/memory/disk. */
  readonly specsPath: readonly string[];
  readonly specs: Obj | undefined;
  readonly vmid: number | undefined;
  /** Names this entry goes by, to tell the same machine in both files. */
  readonly identities: readonly string[];
  readonly readonly: boolean;
  readonly template: boolean;
  /** The name Proxmox shows for it, as far as the file says. */
  readonly displayName: string;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function int(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

export function fleetVms(e: EvaluatedNix): FleetVm[] {
  const out: FleetVm[] = [];
  const v = e.value;
  if (e.kind === 'hosts') {
    for (const [key, host] of Object.entries(v)) {
      if (key.startsWith('_') || !isObj(host) || !isObj(host['proxmox'])) continue;
      const pm = host['proxmox'];
      const ids = [key, str(host['hostname']), str(host['sshAlias'])].filter((x): x is string => !!x);
      out.push({
        section: 'host',
        key,
        path: [key],
        vmPath: [key, 'proxmox'],
        vm: pm,
        specsPath: [key, 'proxmox'],
        specs: pm,
        vmid: int(pm['vmid']),
        identities: ids,
        readonly: pm['readonly'] === true,
        template: false,
        displayName: str(pm['name']) ?? str(host['hostname']) ?? key,
      });
    }
    const settings = v['_proxmox'];
    const tvmid = isObj(settings) ? int(settings['templateVmid']) : undefined;
    if (isObj(settings) && tvmid !== undefined) {
      out.push({
        section: 'template',
        key: '_proxmox.templateVmid',
        path: ['_proxmox', 'templateVmid'],
        vmPath: ['_proxmox'],
        vm: { vmid: tvmid },
        specsPath: ['_proxmox'],
        specs: undefined,
        vmid: tvmid,
        identities: [],
        readonly: false,
        template: true,
        displayName: `template ${tvmid}`,
      });
    }
    return out;
  }
  for (const section of ['imported', 'managed'] as const) {
    const group = v[section];
    if (!isObj(group)) continue;
    for (const [key, entry] of Object.entries(group)) {
      if (!isObj(entry)) continue;
      const specs = section === 'imported' ? (isObj(entry['specs']) ? entry['specs'] : undefined) : entry;
      const ids = [key, str(entry['hostname']), str(entry['nixosConfig']), str(entry['sshAlias'])].filter((x): x is string => !!x);
      out.push({
        section,
        key,
        path: [section, key],
        vmPath: [section, key],
        vm: entry,
        specsPath: section === 'imported' ? [section, key, 'specs'] : [section, key],
        specs,
        vmid: int(entry['vmid']),
        identities: ids,
        // Imported VMs exist only as documentation: automation must never touch them, flag or not.
        readonly: section === 'imported' || entry['readonly'] === true,
        template: false,
        displayName: str(entry['hostname']) ?? key,
      });
    }
  }
  const t = v['template'];
  if (isObj(t)) {
    out.push({
      section: 'template',
      key: 'template',
      path: ['template'],
      vmPath: ['template'],
      vm: t,
      specsPath: ['template', 'specs'],
      specs: isObj(t['specs']) ? t['specs'] : undefined,
      vmid: int(t['vmid']),
      identities: [],
      readonly: false,
      template: true,
      displayName: str(t['name']) ?? 'template',
    });
  }
  return out;
}

export interface VmidRange {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export function vmidRanges(e: EvaluatedNix): VmidRange[] {
  if (e.kind !== 'definitions' || !isObj(e.value['vmidRanges'])) return [];
  const out: VmidRange[] = [];
  for (const [name, r] of Object.entries(e.value['vmidRanges'])) {
    if (!isObj(r)) continue;
    const start = int(r['start']);
    const end = int(r['end']);
    if (start !== undefined && end !== undefined) out.push({ name, start, end });
  }
  return out;
}

/** Proxmox connection settings: hosts.nix `_proxmox`, definitions.nix `proxmox`. */
export interface NixProxmoxSettings {
  readonly host?: string;
  readonly node?: string;
  readonly user?: string;
  readonly defaultStorage?: string;
  readonly templateVmid?: number;
  /** Where the block is, e.g. `hosts.nix:37`. */
  readonly source: string;
}

export function proxmoxSettings(e: EvaluatedNix): NixProxmoxSettings | undefined {
  const key = e.kind === 'hosts' ? '_proxmox' : 'proxmox';
  const block = e.value[key];
  if (!isObj(block)) return undefined;
  const { pos } = positionOf(e.positions, [key]);
  const pick = <T>(v: T | undefined, name: string): Record<string, T> => (v === undefined ? {} : { [name]: v });
  return {
    ...pick(str(block['host']), 'host'),
    ...pick(str(block['node']), 'node'),
    ...pick(str(block['user']), 'user'),
    ...pick(str(block['defaultStorage']), 'defaultStorage'),
    ...pick(int(block['templateVmid']), 'templateVmid'),
    source: `${e.label}:${pos ? pos[0] : 1}`,
  };
}
