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
 */
import type { IacDiagnostic, Severity } from '../types';
import type { NixPos, PosTree } from './evaluate';
import { isNixFunctionMarker } from './evaluate';
import type { JsonValue } from './partialJson';
import type { NixSource } from './source';
import { closest } from '../levenshtein';

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

// ---------------------------------------------------------------------------------------------- checks

type Kind = 'string' | 'int' | 'bool' | 'strings' | 'list' | 'attrs' | 'list-or-attrs';

/** Known attributes of a host's `proxmox` set (from the fleet's Terranix module usage) and their types. */
const HOST_PROXMOX_KEYS: Readonly<Record<string, Kind>> = {
  vmid: 'int',
  cores: 'int',
  sockets: 'int',
  memory: 'int',
  disk: 'string',
  name: 'string',
  storage: 'string',
  bios: 'string',
  cpuType: 'string',
  machine: 'string',
  diskInterface: 'string',
  cloneFromTemplate: 'bool',
  ignoreInit: 'bool',
  tags: 'strings',
  ignoreChangesExtra: 'strings',
  description: 'string',
  // A list of mappings today; one `{ mapping = …; }` set in February 2026 (the module read `pve.virtiofs.mapping`).
  virtiofs: 'list-or-attrs',
  readonly: 'bool',
  onBoot: 'bool',
  started: 'bool',
  bridge: 'string',
  vlan: 'int',
  macAddress: 'string',
  ipAddress: 'string',
  gateway: 'string',
  hostpci: 'list',
  usb: 'list',
};

const SETTINGS_KEYS: Readonly<Record<string, Kind>> = {
  host: 'string',
  node: 'string',
  user: 'string',
  defaultStorage: 'string',
  templateVmid: 'int',
  port: 'int',
  tokenId: 'string',
  insecure: 'bool',
};

const KIND_WORDS: Readonly<Record<Kind, string>> = {
  string: 'a string',
  int: 'a whole number',
  bool: 'true or false',
  strings: 'a list of strings',
  list: 'a list',
  attrs: 'an attribute set',
  'list-or-attrs': 'a list or an attribute set',
};

function kindOf(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isNixFunctionMarker(v)) return 'a function';
  if (typeof v === 'object') return 'an attribute set';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the float ${v}`;
  if (typeof v === 'boolean') return String(v);
  return 'nothing';
}

function hasKind(v: JsonValue | undefined, k: Kind): boolean {
  switch (k) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'list':
      return Array.isArray(v);
    case 'attrs':
      return isObj(v);
    case 'list-or-attrs':
      return Array.isArray(v) || isObj(v);
  }
}

/** hosts.nix attribute names are short: one edit below 6 characters, two from 6, none below 3. */
function attributeTypoLimit(name: string): number {
  return name.length < 3 ? 0 : name.length >= 6 ? 2 : 1;
}

class Checker {
  readonly diags: IacDiagnostic[] = [];

  constructor(
    readonly e: EvaluatedNix,
    readonly src: NixSource,
  ) {}

  report(path: readonly string[], part: 'name' | 'value', severity: Severity, code: string, message: string, replacement?: string): void {
    const { pos, exact } = positionOf(this.e.positions, path);
    const range = pos
      ? exact && part === 'value'
        ? this.src.valueRange(pos)
        : this.src.nameRange(pos)
      : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    this.diags.push({ range, severity, code, message, ...(replacement !== undefined ? { data: { replacement } } : {}) });
  }

  /** Type check of one attribute; true when present and of the right kind. */
  typed(obj: Obj, path: readonly string[], key: string, kind: Kind, where: string): boolean {
    if (!(key in obj)) return false;
    const v = obj[key];
    if (hasKind(v, kind)) return true;
    let replacement: string | undefined;
    if (kind === 'bool' && typeof v === 'string') {
      if (/^(yes|true|on|1)$/i.test(v)) replacement = 'true';
      else if (/^(no|false|off|0)$/i.test(v)) replacement = 'false';
    }
    if (kind === 'int' && typeof v === 'string' && /^\d+$/.test(v)) replacement = v;
    if (kind === 'string' && typeof v === 'number') replacement = JSON.stringify(String(v));
    const fix = replacement !== undefined ? ` Write ${key} = ${replacement};` : ` Write ${key} as ${KIND_WORDS[kind]}.`;
    this.report([...path, key], 'value', 'error', 'nix-type', `${where}: ${key} must be ${KIND_WORDS[kind]}, not ${kindOf(v)}.${fix}`, replacement);
    return false;
  }

  vmid(obj: Obj, path: readonly string[], where: string, required: boolean): void {
    if (!('vmid' in obj)) {
      if (required) {
        this.report(path, 'name', 'error', 'nix-missing-vmid', `${where} has no vmid. Add vmid = <number between ${VMID_MIN} and ${VMID_MAX}>; so provisioning knows which VM it is.`);
      }
      return;
    }
    if (!this.typed(obj, path, 'vmid', 'int', where)) return;
    const id = obj['vmid'] as number;
    if (id < VMID_MIN || id > VMID_MAX) {
      this.report([...path, 'vmid'], 'value', 'error', 'nix-vmid-range', `${where}: vmid ${id} is outside ${VMID_MIN}–${VMID_MAX}. Proxmox reserves IDs below 100; pick a free VMID between ${VMID_MIN} and ${VMID_MAX}.`);
    }
  }

  cores(obj: Obj, path: readonly string[], where: string): void {
    if (!this.typed(obj, path, 'cores', 'int', where)) return;
    const n = obj['cores'] as number;
    if (n < 1) this.report([...path, 'cores'], 'value', 'error', 'nix-cores', `${where}: cores = ${n}, but a VM needs at least 1 core. Set cores = 1; or more.`, '1');
  }

  memory(obj: Obj, path: readonly string[], where: string): void {
    if (!this.typed(obj, path, 'memory', 'int', where)) return;
    const n = obj['memory'] as number;
    if (n < MEMORY_MIN) {
      this.report([...path, 'memory'], 'value', 'error', 'nix-memory', `${where}: memory = ${n} MB is below ${MEMORY_MIN} MB, too little to boot NixOS. Set memory to at least ${MEMORY_MIN} (MB).`, String(MEMORY_MIN));
    } else if (n > MEMORY_MAX) {
      this.report([...path, 'memory'], 'value', 'error', 'nix-memory', `${where}: memory = ${n} MB is above ${MEMORY_MAX} MB. memory is in MB (32 GB is 32768); set it to at most ${MEMORY_MAX}.`);
    }
  }

  disk(obj: Obj, path: readonly string[], where: string, lenient: boolean): void {
    if (!this.typed(obj, path, 'disk', 'string', where)) return;
    const d = obj['disk'] as string;
    if (DISK_SIZE.test(d) || lenient) return;
    const m = /^\s*(\d+)\s*([KMGT])i?B?\s*$/i.exec(d);
    const replacement = m ? JSON.stringify(`${m[1]}${m[2].toUpperCase()}`) : undefined;
    if (replacement) {
      // A size written another way ("64GB"): the fleet's own tofu module parses "<n>G" and would silently
      // create the VM without this disk.
      this.report([...path, 'disk'], 'value', 'error', 'nix-disk', `${where}: disk ${JSON.stringify(d)} is not a size: write a number with an optional unit K, M, G or T, like ${replacement}.`, replacement);
      return;
    }
    // A word such as "passthrough" is a value the fleet's own code handles (abl030/nixosconfig's tofu module
    // skips disks that are not sizes): worth a look, not an error.
    this.report(
      [...path, 'disk'],
      'value',
      'warning',
      'nix-disk',
      `${where}: disk ${JSON.stringify(d)} is not a size (like "64G"); a module that provisions this VM must handle it (for example skip the disk, as a passthrough disk needs). Only a warning: this repository's own code decides.`,
    );
  }

  unknownKeys(obj: Obj, path: readonly string[], known: Readonly<Record<string, Kind>>, where: string): void {
    const names = Object.keys(known);
    for (const key of Object.keys(obj)) {
      if (key in known) continue;
      const guess = closest(key, names, attributeTypoLimit);
      if (guess && !(guess in obj)) {
        this.report([...path, key], 'name', 'warning', 'nix-unknown-attribute', `${where}: unknown attribute ${key}. Did you mean ${guess}?`, guess);
      }
    }
  }

  knownTypes(obj: Obj, path: readonly string[], known: Readonly<Record<string, Kind>>, where: string, skip: readonly string[]): void {
    for (const [key, kind] of Object.entries(known)) {
      if (!skip.includes(key) && key in obj) this.typed(obj, path, key, kind, where);
    }
  }
}

/** Checks one evaluated file; `other` is the companion file (hosts.nix ↔ vms/definitions.nix) when it evaluated. */
export function checkFleetFile(
  e: EvaluatedNix,
  src: NixSource,
  other: EvaluatedNix | undefined,
  /** Ranges from the extension's settings, used when definitions.nix declares none. */
  settingRanges: readonly (readonly [number, number])[] = [],
): IacDiagnostic[] {
  const c = new Checker(e, src);
  const v = e.value;

  // Connection block.
  const settingsKey = e.kind === 'hosts' ? '_proxmox' : 'proxmox';
  if (settingsKey in v) {
    const s = v[settingsKey];
    if (!isObj(s)) {
      c.report([settingsKey], 'value', 'error', 'nix-type', `${settingsKey} must be an attribute set with host, node and defaultStorage, not ${kindOf(s)}.`);
    } else {
      const where = settingsKey;
      c.knownTypes(s, [settingsKey], SETTINGS_KEYS, where, ['templateVmid']);
      for (const key of ['host', 'node', 'defaultStorage'] as const) {
        if (typeof s[key] === 'string' && (s[key]).trim() === '') {
          c.report([settingsKey, key], 'value', 'error', 'nix-empty', `${where}: ${key} is empty. Set it to the Proxmox ${key === 'host' ? 'host name or address' : key === 'node' ? 'node name' : 'storage id'}.`);
        }
      }
      if ('templateVmid' in s) {
        if (c.typed(s, [settingsKey], 'templateVmid', 'int', where)) {
          const id = s['templateVmid'] as number;
          if (id < VMID_MIN || id > VMID_MAX) {
            c.report([settingsKey, 'templateVmid'], 'value', 'error', 'nix-vmid-range', `${where}: templateVmid ${id} is outside ${VMID_MIN}–${VMID_MAX}. Set it to the VMID of the template to clone.`);
          }
        }
      }
      c.unknownKeys(s, [settingsKey], SETTINGS_KEYS, where);
    }
  }

  const vms = fleetVms(e);
  for (const vm of vms) {
    if (vm.section === 'template' && e.kind === 'hosts') continue; // templateVmid checked above
    const where = vm.section === 'host' ? `Host ${vm.key}` : vm.section === 'template' ? 'The template' : `${vm.section}.${vm.key}`;
    c.vmid(vm.vm, vm.vmPath, where, true);
    if (vm.section === 'host') {
      c.knownTypes(vm.vm, vm.vmPath, HOST_PROXMOX_KEYS, where, ['vmid', 'cores', 'memory', 'disk']);
      c.unknownKeys(vm.vm, vm.vmPath, HOST_PROXMOX_KEYS, where);
    } else {
      for (const key of ['hostname', 'sshAlias', 'nixosConfig', 'storage', 'purpose', 'name', 'description'] as const) {
        if (key in vm.vm) c.typed(vm.vm, vm.vmPath, key, 'string', where);
      }
      if ('readonly' in vm.vm && c.typed(vm.vm, vm.vmPath, 'readonly', 'bool', where) && vm.section === 'imported' && vm.vm['readonly'] === false) {
        c.report([...vm.vmPath, 'readonly'], 'value', 'warning', 'nix-imported-readonly', `${where} is an imported VM, which this file only documents; set readonly = true so automation never touches it, or move it to managed.`, 'true');
      }
      if (vm.section !== 'managed' && 'specs' in vm.vm && !isObj(vm.vm['specs'])) {
        c.report([...vm.vmPath, 'specs'], 'value', 'error', 'nix-type', `${where}: specs must be an attribute set with cores, memory and disk, not ${kindOf(vm.vm['specs'])}.`);
      }
    }
    if (vm.specs) {
      c.cores(vm.specs, vm.specsPath, where);
      c.memory(vm.specs, vm.specsPath, where);
      // Imported and read-only VMs are documentation: "passthrough" and similar notes are fine there.
      c.disk(vm.specs, vm.specsPath, where, vm.section === 'imported' || vm.readonly);
      if (vm.section !== 'host' && 'storage' in vm.specs) c.typed(vm.specs, vm.specsPath, 'storage', 'string', where);
    }
  }
  if (e.kind === 'hosts') {
    for (const [key, host] of Object.entries(v)) {
      if (!key.startsWith('_') && isObj(host) && 'proxmox' in host && !isObj(host['proxmox'])) {
        c.report([key, 'proxmox'], 'value', 'error', 'nix-type', `Host ${key}: proxmox must be an attribute set with vmid, cores, memory and disk, not ${kindOf(host['proxmox'])}.`);
      }
    }
  }

  // VMID ranges (definitions.nix declares them; hosts.nix is held to its companion's ranges).
  const defs = e.kind === 'definitions' ? e : other?.kind === 'definitions' ? other : undefined;
  if (e.kind === 'definitions' && isObj(v['vmidRanges'])) {
    const seen: VmidRange[] = [];
    for (const [name, r] of Object.entries(v['vmidRanges'])) {
      if (!isObj(r)) {
        c.report(['vmidRanges', name], 'value', 'error', 'nix-type', `vmidRanges.${name} must be { start = …; end = …; }, not ${kindOf(r)}.`);
        continue;
      }
      const okStart = c.typed(r, ['vmidRanges', name], 'start', 'int', `vmidRanges.${name}`);
      const okEnd = c.typed(r, ['vmidRanges', name], 'end', 'int', `vmidRanges.${name}`);
      if (!('start' in r) || !('end' in r)) {
        c.report(['vmidRanges', name], 'name', 'error', 'nix-range', `vmidRanges.${name} needs both start and end.`);
        continue;
      }
      if (!okStart || !okEnd) continue;
      const range = { name, start: r['start'] as number, end: r['end'] as number };
      if (range.start > range.end) {
        c.report(['vmidRanges', name, 'end'], 'value', 'error', 'nix-range', `vmidRanges.${name}: end ${range.end} is below start ${range.start}. Swap them.`);
        continue;
      }
      const overlap = seen.find((s) => s.start <= range.end && range.start <= s.end);
      if (overlap) {
        c.report(['vmidRanges', name], 'name', 'warning', 'nix-range-overlap', `vmidRanges.${name} (${range.start}–${range.end}) overlaps vmidRanges.${overlap.name} (${overlap.start}–${overlap.end}); give each range its own VMIDs.`);
      }
      seen.push(range);
    }
  }
  const declared = defs ? vmidRanges(defs) : [];
  const ranges = declared.length ? declared : settingRanges.map(([start, end]) => ({ name: 'range', start, end }));
  const rangesSource = declared.length ? defs!.label : 'the VMID range setting';
  if (ranges.length) {
    for (const vm of vms) {
      if (vm.vmid === undefined || vm.vmid < VMID_MIN || vm.vmid > VMID_MAX) continue;
      if (ranges.some((r) => vm.vmid! >= r.start && vm.vmid! <= r.end)) continue;
      const list = ranges.map((r) => `${r.name} ${r.start}–${r.end}`).join(', ');
      const path = vm.section === 'template' && e.kind === 'hosts' ? vm.path : [...vm.vmPath, 'vmid'];
      c.report(path, 'value', 'warning', 'nix-vmid-outside-ranges', `VMID ${vm.vmid} is outside the ranges declared in ${rangesSource} (${list}). Pick a VMID inside one of them or add a range.`);
    }
  }

  // Unique VMIDs: within this file, and against the companion file unless both entries name the same machine.
  const otherVms = other ? fleetVms(other) : [];
  const vmidPath = (vm: FleetVm): readonly string[] => (vm.section === 'template' && e.kind === 'hosts' ? vm.path : [...vm.vmPath, 'vmid']);
  const lineOf = (file: EvaluatedNix, vm: FleetVm): string => {
    const p = positionOf(file.positions, vm.section === 'template' && file.kind === 'hosts' ? vm.path : [...vm.vmPath, 'vmid']).pos;
    return `${file.label}:${p ? p[0] : 1}`;
  };
  const used = new Set<number>([...vms, ...otherVms].map((x) => x.vmid).filter((x): x is number => x !== undefined));
  const freeVmid = (): number | undefined => {
    const inProduction = ranges.find((r) => r.start <= VMID_MIN + 99 && r.end >= VMID_MIN) ?? { start: VMID_MIN, end: VMID_MAX };
    for (let id = inProduction.start; id <= inProduction.end; id++) if (!used.has(id)) return id;
    return undefined;
  };
  const describe = (vm: FleetVm): string =>
    vm.section === 'host' ? `host ${vm.key}` : vm.section === 'template' ? (vm.key === 'template' ? 'the template' : '_proxmox.templateVmid') : `${vm.section}.${vm.key}`;
  const sameMachine = (a: FleetVm, b: FleetVm): boolean =>
    (a.template && b.template) || a.identities.some((x) => b.identities.includes(x));
  const byVmid = (list: readonly FleetVm[]): Map<number, FleetVm[]> => {
    const m = new Map<number, FleetVm[]>();
    for (const x of list) {
      if (x.vmid === undefined) continue;
      const bucket = m.get(x.vmid);
      if (bucket) bucket.push(x);
      else m.set(x.vmid, [x]);
    }
    return m;
  };
  const ownById = byVmid(vms);
  const otherById = byVmid(otherVms);
  for (const vm of vms) {
    if (vm.vmid === undefined) continue;
    const clashes = [
      ...(ownById.get(vm.vmid) ?? []).filter((o) => o !== vm).map((o) => ({ o, file: e })),
      ...(otherById.get(vm.vmid) ?? []).filter((o) => !sameMachine(vm, o)).map((o) => ({ o, file: other! })),
    ];
    if (!clashes.length) continue;
    const free = freeVmid();
    const named = clashes.slice(0, 3).map(({ o, file }) => `${describe(o)} (${lineOf(file, o)})`);
    if (clashes.length > 3) named.push(`${clashes.length - 3} more`);
    const others = named.join(' and ');
    c.report(
      vmidPath(vm),
      'value',
      'error',
      'duplicate-vmid',
      `VMID ${vm.vmid} of ${describe(vm)} is also used by ${others}. Every VM needs its own VMID${free !== undefined ? `; ${free} is free` : ''}.`,
      free !== undefined ? String(free) : undefined,
    );
  }
  // In file order, as the CLI prints them and a reader scans them (Nix hands attributes over sorted by name).
  return c.diags.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
