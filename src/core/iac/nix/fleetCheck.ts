/** checkFleetFile: all checks of one evaluated hosts.nix or vms/definitions.nix, against its companion file. */
import type { IacDiagnostic, LiveInventory } from '../types';
import { checkAgainstLive } from './fleetLive';
import { fleetVms, isObj, positionOf, vmidRanges, VMID_MAX, VMID_MIN, type EvaluatedNix, type FleetVm, type VmidRange } from './fleet';
import { HOST_PROXMOX_KEYS, kindOf, SETTINGS_KEYS } from './fleetAttributes';
import { Checker } from './fleetChecker';
import type { NixSource } from './source';

/** Checks one evaluated file; `other` is the companion file (hosts.nix ↔ vms/definitions.nix) when it evaluated. */
export function checkFleetFile(
  e: EvaluatedNix,
  src: NixSource,
  other: EvaluatedNix | undefined,
  /** Ranges from the extension's settings, used when definitions.nix declares none. */
  settingRanges: readonly (readonly [number, number])[] = [],
  /** The connected cluster's nodes and storages, when a connection is open. */
  live?: LiveInventory,
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
  if (live && e.kind === 'hosts') checkAgainstLive(c, v, live);
  return c.diags.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
