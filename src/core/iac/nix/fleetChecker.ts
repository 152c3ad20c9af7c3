/** The per-attribute checks of a fleet file (types, vmid, cores, memory, disk, unknown names), each reported at its attribute. */
import type { IacDiagnostic, Severity } from '../types';
import { closest } from '../levenshtein';
import { DISK_SIZE, MEMORY_MAX, MEMORY_MIN, positionOf, VMID_MAX, VMID_MIN, type EvaluatedNix, type Obj } from './fleet';
import { hasKind, KIND_WORDS, kindOf, type Kind } from './fleetAttributes';
import type { NixSource } from './source';

/** hosts.nix attribute names are short: one edit below 6 characters, two from 6, none below 3. */
function attributeTypoLimit(name: string): number {
  return name.length < 3 ? 0 : name.length >= 6 ? 2 : 1;
}

export class Checker {
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
