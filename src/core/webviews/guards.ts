/**
 * Small type guards for webview message protocols (src/core/webviews/<name>/protocol.ts). Pure: the
 * extension and the webview bundles both import them. A protocol's guard checks every field it reads, so a
 * message of the wrong shape is rejected before any handler sees it.
 */

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isString(v: unknown): v is string {
  return typeof v === 'string';
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isBoolean(v: unknown): v is boolean {
  return typeof v === 'boolean';
}

export function isOneOf<T extends string>(values: readonly T[]) {
  return (v: unknown): v is T => typeof v === 'string' && (values as readonly string[]).includes(v);
}

export function isArrayOf<T>(guard: (v: unknown) => v is T, max = 100_000) {
  return (v: unknown): v is T[] => Array.isArray(v) && v.length <= max && v.every(guard);
}

/** `undefined` or a value `guard` accepts: for optional fields. */
export function isOptional<T>(guard: (v: unknown) => v is T) {
  return (v: unknown): v is T | undefined => v === undefined || guard(v);
}

/** A short description of a rejected message for the log: its `type` if it has one, never its content. */
export function describeMessage(v: unknown): string {
  if (isRecord(v)) return isString(v.type) ? `a "${v.type.slice(0, 40)}" message of the wrong shape` : 'a message without a type';
  return `${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`} instead of a message`;
}
