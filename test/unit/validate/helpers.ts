import { readdir, readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { FileSource } from '../../../src/core/validate/api';

export const EXAMPLES = nodePath.resolve(__dirname, '../../fixtures/examples');
export const SITE = nodePath.join(EXAMPLES, 'site-config');

/**
 * The fixture files from disk with some files replaced or added in memory (`undefined` deletes), so tests
 * seed mistakes into copies without touching the fixtures.
 */
export function overlayFiles(overrides: Record<string, string | undefined> = {}): FileSource {
  return {
    async readFile(path) {
      if (Object.prototype.hasOwnProperty.call(overrides, path)) return overrides[path];
      return readFile(path, 'utf8').catch(() => undefined);
    },
    async listDir(path) {
      const names = new Set(await readdir(path).catch(() => [] as string[]));
      for (const [p, v] of Object.entries(overrides)) {
        if (nodePath.dirname(p) !== path) continue;
        if (v === undefined) names.delete(nodePath.basename(p));
        else names.add(nodePath.basename(p));
      }
      return [...names];
    },
  };
}

/** 1-based "line:col" of the n-th occurrence of `needle` in `text` (as the CLI prints it). */
export function lineColOf(text: string, needle: string, occurrence = 1): string {
  let idx = -1;
  for (let i = 0; i < occurrence; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`'${needle}' not found`);
  }
  const before = text.slice(0, idx);
  const line = before.split('\n').length;
  const col = idx - before.lastIndexOf('\n');
  return `${line}:${col}`;
}

export function at(d: { range: { start: { line: number; character: number } } }): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}`;
}
