/**
 * Human-readable figures for the explorer: what the peers got wrong (raw seconds, "4 KB" for a 4 GiB
 * PVE 9 memory string, unrounded CPU fractions) is decided here, once, and unit-tested.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `1536` → `1.5 KiB`; one decimal below 10 units, none above. Hot path of every refresh: no regex. */
export function formatBytes(bytes: number): string {
  if (!(bytes > 0) || bytes === Infinity) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0 || value >= 9.95) return `${Math.round(value)} ${BYTE_UNITS[unit]}`;
  const tenths = Math.round(value * 10);
  return tenths % 10 === 0 ? `${tenths / 10} ${BYTE_UNITS[unit]}` : `${Math.floor(tenths / 10)}.${tenths % 10} ${BYTE_UNITS[unit]}`;
}

/**
 * A guest config's `memory` in bytes. PVE 9 sends it as a string of MiB (`"4096"`), older versions as a
 * number of MiB; newer configs may also carry `current=4096,...`.
 */
export function configMemoryBytes(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1024 * 1024;
  if (typeof value !== 'string') return undefined;
  const match = /^(?:current=)?(\d+(?:\.\d+)?)/.exec(value.trim());
  return match ? Number(match[1]) * 1024 * 1024 : undefined;
}

/** `cpu` as PVE reports it: the used fraction of the guest's CPUs (the web UI shows `cpu * 100` "of N CPUs"). */
export function formatCpu(cpu: number): string {
  if (!Number.isFinite(cpu) || cpu <= 0) return '0%';
  const pct = cpu * 100;
  if (pct < 1) return '<1%';
  return `${Math.round(pct)}%`;
}

/** `93784` → `1 d 2 h`; two largest units, so the text is short and stable between refreshes. */
export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '—';
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return `${minutes} min`;
  return `${s} s`;
}

/** Escapes text for a Markdown tooltip, so a guest named `*x*` or a tag with `[` shows literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
