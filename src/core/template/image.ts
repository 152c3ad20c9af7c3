/** The archive a template build produced: found in the build's output, and its SHA-256. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What `qmrestore` restores: vzdump VMA archives, plain or compressed. */
export const ARCHIVE_PATTERN = /\.vma(\.(zst|gz|lzo))?$/;

export interface FoundArchive {
  readonly path: string;
  readonly size: number;
}

/**
 * The archive at `path`: the file itself, or the newest archive in that folder or one level below
 * (`nix build` leaves `result/vzdump-qemu-….vma.zst`; packer writes into its output directory). Undefined
 * when there is none; an error when `path` is a file that is not an archive.
 */
export async function findArchive(path: string): Promise<FoundArchive | undefined> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return undefined;
  }
  if (st.isFile()) {
    if (!ARCHIVE_PATTERN.test(path)) throw new Error(`${path} is not a vzdump archive (.vma, .vma.zst, .vma.gz or .vma.lzo), which is what qmrestore restores.`);
    return { path, size: st.size };
  }
  const found: { path: string; size: number; mtime: number }[] = [];
  const scan = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (ARCHIVE_PATTERN.test(entry.name)) {
        // stat follows symbolic links (a Nix output's files may be links into the store).
        const s = await stat(full).catch(() => undefined);
        if (s?.isFile()) found.push({ path: full, size: s.size, mtime: s.mtimeMs });
      } else if (depth > 0 && (entry.isDirectory() || entry.isSymbolicLink())) {
        const s = await stat(full).catch(() => undefined);
        if (s?.isDirectory()) await scan(full, depth - 1);
      }
    }
  };
  await scan(path, 1);
  found.sort((a, b) => b.mtime - a.mtime || a.path.localeCompare(b.path));
  return found[0] ? { path: found[0].path, size: found[0].size } : undefined;
}

/** The file's SHA-256 as lowercase hex, read as a stream (images are large); stops when `signal` aborts. */
export function sha256OfFile(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path, { signal });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** The hash in `sha256sum` output (`<64 hex>  <file>`), or undefined. */
export function parseSha256sum(stdout: string): string | undefined {
  return /^([0-9a-f]{64})\b/i.exec(stdout.trim())?.[1]?.toLowerCase();
}

/** "12.3 MiB" */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
