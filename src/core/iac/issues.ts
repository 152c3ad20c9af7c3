import type { Severity } from './types';
import type { PathSegment } from './yaml/parse';

/**
 * A problem found in a document, addressed by JSON path rather than by range: the checks work on plain
 * data and the language service turns paths into exact ranges from the parse tree afterwards.
 */
export interface Issue {
  readonly path: readonly PathSegment[];
  /** Mark the key (`key:`), the value, or the whole item/first line of the node at `path`. */
  readonly on: 'key' | 'value';
  readonly severity: Severity;
  readonly message: string;
  readonly code: string;
  readonly data?: { readonly replacement?: string; readonly [key: string]: unknown };
  /** Document index for multi-document files (default 0). */
  doc?: number;
}

const SECRET_KEY = /token|secret|password|passwd|signing|private|api_key|credential/i;

/** True when the value at this path may be a secret and must never appear in a message or hover. */
export function isSensitivePath(path: readonly PathSegment[]): boolean {
  return path.some((p) => typeof p === 'string' && SECRET_KEY.test(p));
}

/** A value as it may appear in a message: short, quoted, and never a secret. */
export function showValue(value: unknown, sensitive: boolean): string {
  if (sensitive) return 'the value';
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    const v = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return `'${v}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}
