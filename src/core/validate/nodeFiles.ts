import { readdir } from 'node:fs/promises';
import { readBounded, readBoundedText } from '../fs/boundedRead';
import type { FileSource } from './api';

/** A FileSource over the local disk (CLI, tests, benchmarks): regular files up to 2 MiB only. */
export function nodeFileSource(): FileSource {
  return {
    readFile: (path) => readBoundedText(path),
    read: (path) => readBounded(path),
    listDir: (path) => readdir(path).catch(() => [] as string[]),
  };
}
