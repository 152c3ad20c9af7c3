/**
 * Markdown for hovering a VM in hosts.nix or vms/definitions.nix: its Proxmox attributes in a table.
 */
import type { EvaluatedNix, FleetVm } from './fleet';
import { positionOf } from './fleet';
import type { JsonValue } from './partialJson';

/** Attributes shown first, in this order; the rest follow alphabetically. */
const ORDER = ['vmid', 'name', 'cores', 'sockets', 'memory', 'disk', 'storage', 'bios', 'cpuType', 'machine', 'diskInterface', 'readonly'];
/** Long lists that say little in a hover. */
const SKIP = new Set(['ignoreChangesExtra', 'services', 'notes', 'monitoring', 'hardware', 'specs']);

function show(key: string, v: JsonValue): string {
  if (key === 'memory' && typeof v === 'number') return `${v} MB`;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => typeof x === 'string')) return v.map((x) => `\`${x}\``).join(', ');
    return `${v.length} entries`;
  }
  if (typeof v === 'object' && v !== null) return '{ … }';
  if (typeof v === 'string') return `\`${v.replace(/`/g, "'")}\``;
  return `\`${String(v)}\``;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function formatFleetVmHover(vm: FleetVm, file: EvaluatedNix): string {
  const title =
    vm.section === 'host'
      ? `**${vm.key}** — Proxmox VM ${vm.vmid ?? '(no vmid)'}`
      : vm.section === 'template'
        ? `**Template** ${vm.displayName} — VMID ${vm.vmid ?? '(none)'}`
        : `**${vm.key}** (${vm.section}) — VMID ${vm.vmid ?? '(none)'}`;
  const attrs: Record<string, JsonValue> = { ...vm.vm };
  if (vm.specs && vm.specs !== vm.vm) Object.assign(attrs, vm.specs);
  const keys = Object.keys(attrs).filter((k) => !SKIP.has(k));
  keys.sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return a.localeCompare(b);
  });
  const rows = keys.map((k) => `| ${k} | ${escapeCell(show(k, attrs[k]))} |`);
  const at = positionOf(file.positions, vm.path).pos;
  const lines = [title, '', '| | |', '|---|---|', ...rows, ''];
  if (vm.readonly) {
    lines.push(vm.section === 'imported' ? 'Imported VM: documented only, never modified by automation.' : 'Read-only: automation must not modify this VM.');
  } else if (vm.section === 'host' || vm.section === 'managed') {
    lines.push('Managed by automation (OpenTofu/Terranix).');
  }
  lines.push(`*${file.label}${at ? `:${at[0]}` : ''}*`);
  return lines.join('\n');
}
