import { readdir, readFile } from 'node:fs/promises';
import type { FileSource } from './api';

/** A FileSource over the local disk (CLI, tests, benchmarks). */
export function nodeFileSource(): FileSource {
  return {
    readFile: (path) => readFile(path, 'utf8').catch(() => undefined),
    listDir: (path) => readdir(path).catch(() => [] as string[]),
  };
}
