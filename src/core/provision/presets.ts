/** A site-config size preset (presets/vm-small.yaml: cores, memory MiB, disk GiB), or undefined. */
import { parse } from 'yaml';

export function presetSize(text: string): { cores: number; memory: number; diskGiB: number } | undefined {
  try {
    const d = parse(text) as Record<string, unknown> | null;
    if (d && typeof d.cores === 'number' && typeof d.memory === 'number' && typeof d.disk === 'number') return { cores: d.cores, memory: d.memory, diskGiB: d.disk };
  } catch {
    // A broken preset is not offered; its diagnostics say why.
  }
  return undefined;
}
