/** Readers for the loose values Proxmox sends (numbers as strings, 0/1 or ''/"1" booleans, tag lists): undefined or a default, never a throw, apart from the shape checks. */
import { InvalidResponseError } from './errors';
import type { GuestStatus } from './types';

export type Row = Record<string, unknown>;

/** A decimal number as text ("12", "-1.5", "3e9"); `Number()` alone would also take " ", "0x64" and "Infinity". */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function num0(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : (num(v) ?? 0);
}

/** A VMID as PVE allows it (`pve-vmid`: an integer from 100 to 999,999,999). */
export function isVmid(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 999_999_999;
}

export function bool(v: unknown): boolean {
  return v === 1 || v === true || v === '1' || v === 'true';
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

const TAG_SEPARATORS = /[;,+\s]+/;
export const NO_TAGS: readonly string[] = Object.freeze([]);

export function parseTags(v: unknown): readonly string[] {
  if (typeof v !== 'string' || v === '') return NO_TAGS;
  const parts = v.split(TAG_SEPARATORS);
  const out: string[] = [];
  for (const p of parts) if (p !== '') out.push(p);
  return out;
}

/**
 * A guest's status word as one of the constants, never the answer's own copy of it: a refresh of 20,000
 * guests would otherwise keep 20,000 copies of "running".
 */
export function guestStatus(v: unknown): GuestStatus {
  switch (v) {
    case 'running':
      return 'running';
    case 'stopped':
      return 'stopped';
    case 'paused':
      return 'paused';
    case 'suspended':
      return 'suspended';
    default:
      return 'unknown';
  }
}

function isRow(v: unknown): v is Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A list answer's rows; entries that are no object (`null`, a number) are left out, as a row is read by its fields. */
export function asRows(data: unknown, what: string): Row[] {
  if (!Array.isArray(data)) throw new InvalidResponseError(`${what} is not a list`);
  return data.every(isRow) ? data : data.filter(isRow);
}

export function asObject(data: unknown, what: string): Row {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InvalidResponseError(`${what} is not an object`);
  return data as Row;
}

/** Whether two lists of strings hold the same strings in the same order (undefined counts as empty). */
export function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  const la = a?.length ?? 0;
  if (la !== (b?.length ?? 0)) return false;
  for (let i = 0; i < la; i++) if (a![i] !== b![i]) return false;
  return true;
}
