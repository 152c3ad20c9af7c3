/**
 * NixOS fleet files (hosts.nix, vms/definitions.nix): validation, declared guests, connection settings,
 * hovers and the "write the new VM back" edit. Pure (no vscode); evaluation runs the real nix-instantiate
 * asynchronously, so callers must only use it in trusted workspaces.
 */
import { readBoundedText } from '../../fs/boundedRead';
import { basename, dirname, join } from 'node:path';
import type { DeclaredGuest, IacDiagnostic, LiveInventory, Pos, Range } from '../types';
import { evaluateNixText, type NixEvalOptions, type NixEvalResult } from './evaluate';
import { fleetVms, isObj, positionOf, proxmoxSettings, type EvaluatedNix, type FleetVm, type NixFileKind, type NixProxmoxSettings } from './fleet';
import { checkFleetFile } from './fleetCheck';
import { formatFleetVmHover } from './hover';
import { NixSource } from './source';

export { addHostEdit, addHostToHostsNix, type NewNixHost } from './edit';
export { clearNixEvalCache, DEFAULT_NIX_TIMEOUT_MS, evaluateNixText, type NixEvalOptions, type NixEvalResult } from './evaluate';
export { resolveNixBin } from './nixBinary';
export type { NixProxmoxSettings } from './fleet';
export { formatFleetVmHover } from './hover';
export { nixCodeFixes } from './fixes';

export interface NixFileOptions extends NixEvalOptions {
  /**
   * Reads the companion file (hosts.nix ↔ vms/definitions.nix) for cross-file VMID checks; the editor passes
   * open documents' unsaved text. Default: the disk. Return undefined when it does not exist.
   */
  readonly readFile?: (path: string) => Promise<string | undefined>;
  /** Allowed VMID ranges from settings; definitions.nix `vmidRanges` take precedence when declared. */
  readonly vmidRanges?: readonly (readonly [number, number])[];
  /** The connected cluster's nodes and storages, when a connection is open: names not there are warned about. */
  readonly live?: LiveInventory;
}

export const NIX_NOT_INSTALLED_MESSAGE =
  'Nix is not installed, so hosts.nix and vms/definitions.nix are not checked: install Nix (Debian/Ubuntu: sudo apt-get install nix-bin) ' +
  'and make sure nix-instantiate is on the PATH the editor starts with, or in ~/.nix-profile/bin, /nix/var/nix/profiles/default/bin or /run/current-system/sw/bin.';

/** Which fleet file `path` is, by name: `hosts.nix`, or `definitions.nix` (normally in `vms/`). */
export function nixFileKind(path: string): NixFileKind | undefined {
  const name = basename(path);
  if (name === 'hosts.nix') return 'hosts';
  if (name === 'definitions.nix') return 'definitions';
  return undefined;
}

/** The other file of the pair: hosts.nix ↔ vms/definitions.nix. */
export function companionPath(path: string): string | undefined {
  const kind = nixFileKind(path);
  if (kind === 'hosts') return join(dirname(path), 'vms', 'definitions.nix');
  if (kind === 'definitions') return join(dirname(dirname(path)), 'hosts.nix');
  return undefined;
}

function labelFor(path: string, kind: NixFileKind): string {
  return kind === 'hosts' ? basename(path) : `${basename(dirname(path))}/${basename(path)}`;
}

function readDisk(path: string): Promise<string | undefined> {
  return readBoundedText(path);
}

interface Evaluated {
  readonly result: NixEvalResult;
  readonly file?: EvaluatedNix;
}

async function evaluateFleetFile(path: string, text: string, options: NixEvalOptions): Promise<Evaluated> {
  const kind = nixFileKind(path) ?? 'hosts';
  const result = await evaluateNixText(path, text, options);
  if (result.kind !== 'ok') return { result };
  return { result, file: { kind, file: path, label: labelFor(path, kind), value: result.value, positions: result.positions } };
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function secondsText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Turns an evaluation that did not produce a value into the diagnostic the user sees (none when cancelled). */
function evaluationDiagnostics(path: string, result: NixEvalResult, src: NixSource): IacDiagnostic[] {
  const name = basename(path);
  switch (result.kind) {
    case 'ok':
    case 'cancelled':
      return [];
    case 'not-installed':
      return [{ range: ZERO, severity: 'information', code: 'nix-not-installed', message: NIX_NOT_INSTALLED_MESSAGE, data: { tried: result.tried } }];
    case 'timeout':
      return [
        {
          range: src.pointRange(1, 1),
          severity: 'warning',
          code: 'nix-timeout',
          message: `Nix took longer than ${secondsText(result.timeoutMs)} to evaluate ${name}, so it was stopped and not checked. Look for an endless recursion or an import of something very large.`,
        },
      ];
    case 'not-attrs':
      return [
        {
          range: src.pointRange(1, 1),
          severity: 'error',
          code: 'nix-not-attrs',
          message:
            result.type === 'function'
              ? `${name} is a function; the fleet tools import it directly, so it must be an attribute set ({ … } or let … in { … }).`
              : `${name} evaluates to a ${result.type}, but it must be an attribute set of hosts ({ … } or let … in { … }).`,
        },
      ];
    case 'error': {
      const err = result.error;
      let message = `Nix: ${err.message}`;
      if (err.elsewhere) message += ` (at ${err.elsewhere})`;
      if (/forbidden in restricted mode|not found in the Nix search path/.test(err.message)) {
        message += ' The extension evaluates fleet files in restricted mode: they may read only files inside the workspace and cannot fetch from the network or use <nixpkgs>.';
      }
      let range: Range;
      if (err.line !== undefined) range = src.pointRange(err.line, err.column ?? 1);
      else if (err.attrPos) range = src.nameRange(err.attrPos);
      else range = src.pointRange(1, 1);
      if (err.line === undefined && err.attrPath?.length) message += ` While evaluating ${err.attrPath.join('.')}.`;
      return [{ range, severity: 'error', code: 'nix-eval', message }];
    }
  }
}

/**
 * Evaluates and checks hosts.nix or vms/definitions.nix: Nix errors at the line Nix reports, then the
 * `_proxmox`/`proxmox` block, each VM's vmid/cores/memory/disk/readonly, VMID ranges and uniqueness across
 * both files. Never throws; returns [] when cancelled and for other .nix files.
 */
export async function validateNixFile(path: string, text: string, options: NixFileOptions = {}): Promise<IacDiagnostic[]> {
  try {
    if (!nixFileKind(path)) return [];
    const src = new NixSource(text);
    // The companion file is evaluated alongside (two evaluations may run at once), for cross-file VMIDs.
    const [own, other] = await Promise.all([evaluateFleetFile(path, text, options), companion(path, options)]);
    // Other repositories' hosts.nix is often a list of hosts or a function of the flake's inputs (NULLx76/
    // infrastructure, CRTified/nix-cluster), which their flake imports and Nix accepts: only beside the fleet's
    // vms/definitions.nix is a hosts.nix that is no attribute set the fleet's file, and wrong.
    if (own.result.kind === 'not-attrs' && nixFileKind(path) === 'hosts' && !other) return [];
    if (!own.file) return evaluationDiagnostics(path, own.result, src);
    if (options.signal?.aborted) return [];
    return checkFleetFile(own.file, src, other, options.vmidRanges, options.live);
  } catch (e) {
    return [{ range: ZERO, severity: 'error', code: 'nix-internal', message: `Checking ${basename(path)} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}. Please report this with the file.` }];
  }
}

async function companion(path: string, options: NixFileOptions): Promise<EvaluatedNix | undefined> {
  const otherPath = companionPath(path);
  if (!otherPath) return undefined;
  const otherText = await (options.readFile ?? readDisk)(otherPath);
  if (otherText === undefined || options.signal?.aborted) return undefined;
  return (await evaluateFleetFile(otherPath, otherText, options)).file;
}

function toGuest(e: EvaluatedNix, src: NixSource, vm: FleetVm): DeclaredGuest {
  const { pos } = positionOf(e.positions, vm.path);
  const range = pos ? src.nameRange(pos) : ZERO;
  let readonlySource: string | undefined;
  if (vm.readonly) {
    const flag = positionOf(e.positions, [...vm.vmPath, 'readonly']);
    const at = flag.exact ? flag.pos : positionOf(e.positions, vm.path).pos;
    readonlySource = `${e.label}:${at ? at[0] : 1}`;
  }
  return {
    name: vm.displayName,
    ...(vm.vmid !== undefined ? { vmid: vm.vmid } : {}),
    format: e.kind === 'hosts' ? 'hosts-nix' : 'vm-definitions-nix',
    file: e.file,
    range,
    readonly: vm.readonly,
    ...(readonlySource ? { readonlySource } : {}),
    ...(vm.template ? { template: true } : {}),
  };
}

/**
 * The VMs a fleet file declares: hosts.nix hosts with a `proxmox` set (named as Proxmox shows them:
 * `proxmox.name`, else `hostname`, else the attribute) and `_proxmox.templateVmid` as a template;
 * definitions.nix imported (always read-only), managed and template entries. [] when Nix is missing or fails.
 */
export async function declaredGuestsFromNix(path: string, text: string, options: NixEvalOptions = {}): Promise<DeclaredGuest[]> {
  if (!nixFileKind(path)) return [];
  const own = await evaluateFleetFile(path, text, options);
  if (!own.file) return [];
  const src = new NixSource(text);
  return fleetVms(own.file)
    .map((vm) => toGuest(own.file!, src, vm))
    .sort((a, b) => a.range.start.line - b.range.start.line);
}

/** hosts.nix `_proxmox` / definitions.nix `proxmox`: where the fleet's Proxmox is, for connection offers and provisioning. */
export async function nixProxmoxSettings(path: string, text: string, options: NixEvalOptions = {}): Promise<NixProxmoxSettings | undefined> {
  if (!nixFileKind(path)) return undefined;
  const own = await evaluateFleetFile(path, text, options);
  return own.file ? proxmoxSettings(own.file) : undefined;
}

function contains(r: Range, p: Pos): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

/** Hover on a host's (or definitions entry's) attribute name, or anywhere on its `proxmox` attribute name. */
export async function nixHover(path: string, text: string, pos: Pos, options: NixEvalOptions = {}): Promise<{ markdown: string; range: Range } | undefined> {
  if (!nixFileKind(path)) return undefined;
  const own = await evaluateFleetFile(path, text, options);
  if (!own.file) return undefined;
  const e = own.file;
  const src = new NixSource(text);
  for (const vm of fleetVms(e)) {
    const candidates = [vm.path, vm.vmPath];
    for (const p of candidates) {
      const at = positionOf(e.positions, p);
      if (!at.exact || !at.pos) continue;
      const range = src.nameRange(at.pos);
      if (contains(range, pos)) return { markdown: formatFleetVmHover(vm, e), range };
    }
  }
  const settingsKey = e.kind === 'hosts' ? '_proxmox' : 'proxmox';
  const at = positionOf(e.positions, [settingsKey]);
  const settings = proxmoxSettings(e);
  if (at.exact && at.pos && settings && isObj(e.value[settingsKey])) {
    const range = src.nameRange(at.pos);
    if (contains(range, pos)) {
      const rows = Object.entries(settings)
        .filter(([k]) => k !== 'source')
        .map(([k, v]) => `| ${k} | \`${String(v)}\` |`);
      return { markdown: [`**Proxmox connection** (${settings.source})`, '', '| | |', '|---|---|', ...rows].join('\n'), range };
    }
  }
  return undefined;
}
