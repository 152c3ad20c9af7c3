/**
 * Units for the figures a hover prints, as iac-driver and Proxmox read them: `memory` is MiB (PVE's
 * `memory` option), `disk` GiB (a bare number in a disk size is GiB to PVE); counts (`cores`) need none.
 * A value that already carries a unit (`"64G"`) or is not a number is shown as written.
 */
const UNITS: Record<string, readonly [one: string, many: string]> = {
  memory: ['MiB', 'MiB'],
  balloon: ['MiB', 'MiB'],
  disk: ['GiB', 'GiB'],
  disk_size: ['GiB', 'GiB'],
  memory_gb: ['GB', 'GB'],
};

export function withUnit(key: string, value: unknown): string {
  const last = key.slice(key.lastIndexOf('.') + 1);
  const unit = UNITS[last];
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
  if (!unit || n === undefined || !Number.isFinite(n)) return Array.isArray(value) ? value.map(String).join(', ') : String(value);
  return `${n} ${n === 1 ? unit[0] : unit[1]}`;
}
