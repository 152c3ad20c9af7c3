import type { Config } from '../util/config';
import type { ValidationOptions } from '../../core/validate/api';
import { DEFAULT_WORKER_TIMEOUT_SECONDS, workerTimeoutMs } from '../../core/validate/worker/client';

/** Settings this capability reads, relative to `proxmoxIac.` (defaults match package.json). */
export const VALIDATION_SETTINGS = {
  enabled: 'validation.enabled',
  debounceMs: 'validation.debounceMs',
  vmidRanges: 'validation.vmidRanges',
  readonlyVmids: 'readonlyVmids',
  workerTimeoutSeconds: 'validation.workerTimeoutSeconds',
} as const;

export function validationEnabled(config: Config): boolean {
  return config.get(VALIDATION_SETTINGS.enabled, true);
}

export function debounceMs(config: Config): number {
  const ms = config.get(VALIDATION_SETTINGS.debounceMs, 200);
  return Number.isFinite(ms) ? Math.min(5000, Math.max(0, ms)) : 200;
}

/** How long a busy language worker may stay silent before it counts as hung and is restarted. */
export function workerHangMs(config: Config): number {
  return workerTimeoutMs(config.get(VALIDATION_SETTINGS.workerTimeoutSeconds, DEFAULT_WORKER_TIMEOUT_SECONDS));
}

/**
 * The VMID ranges a user configured. Accepts "100-9999" strings (what the settings editor offers) and
 * [low, high] pairs (what people write in settings.json); anything else is ignored rather than guessed.
 */
export function parseVmidRanges(raw: readonly unknown[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const item of raw) {
    let pair: [unknown, unknown] | undefined;
    if (typeof item === 'string') {
      const m = /^\s*(\d+)\s*(?:-|\.\.)\s*(\d+)\s*$/.exec(item);
      if (m) pair = [Number(m[1]), Number(m[2])];
    } else if (Array.isArray(item) && item.length === 2) {
      pair = [item[0], item[1]];
    }
    if (!pair) continue;
    const [low, high] = pair;
    if (Number.isInteger(low) && Number.isInteger(high) && (low as number) <= (high as number)) {
      ranges.push([low as number, high as number]);
    }
  }
  return ranges;
}

export function validationOptions(config: Config): ValidationOptions {
  const vmidRanges = parseVmidRanges(config.get<unknown[]>(VALIDATION_SETTINGS.vmidRanges, []));
  const readonlyVmids = config
    .get<unknown[]>(VALIDATION_SETTINGS.readonlyVmids, [])
    .filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
  return { vmidRanges, readonlyVmids };
}
