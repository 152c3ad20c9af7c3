/**
 * The next free VMID: the lowest one inside the configured ranges (`proxmoxIac.validation.vmidRanges`) that
 * nothing uses, or from 100 up when no range is configured. Shared by the restore action and the live
 * VMID-conflict quick fix.
 */
export const VMID_MIN = 100;
export const VMID_MAX = 999_999_999;

export function nextFreeVmid(used: ReadonlySet<number>, ranges: readonly (readonly [number, number])[] = []): number | undefined {
  const spans = ranges.length ? [...ranges].sort((a, b) => a[0] - b[0]) : [[VMID_MIN, VMID_MAX] as const];
  for (const [low, high] of spans) {
    // `used` is finite, so a free id turns up within used.size + 1 steps of each range's start.
    const start = Math.max(low, VMID_MIN);
    const end = Math.min(high, VMID_MAX, start + used.size + 1);
    for (let id = start; id <= end; id++) if (!used.has(id)) return id;
  }
  return undefined;
}
