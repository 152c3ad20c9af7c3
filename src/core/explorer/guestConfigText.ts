/**
 * A guest's configuration as the text of its file, `/etc/pve/qemu-server/<vmid>.conf` or `/etc/pve/lxc/<vmid>.conf`:
 * the description as `#` lines at the top (where PVE writes it), then one `key: value` line per option, sorted.
 * Coloured in the editor by syntaxes/proxmox-guest-config.tmLanguage.json.
 */
import { configMemoryBytes, formatBytes } from './format';

/** Percent-encodes what would break a line: control characters and `%` itself (as PVE's encode_text does). */
function encodeLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function renderGuestConfig(config: Record<string, unknown>): string {
  const lines: string[] = [];
  const description = config.description;
  if (typeof description === 'string' && description.length > 0) {
    for (const line of description.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n')) lines.push(`#${encodeLine(line)}`);
  }
  const keys = Object.keys(config)
    .filter((k) => k !== 'digest' && k !== 'description')
    .sort();
  for (const k of keys) {
    const v = config[k];
    const text = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    let line = `${k}: ${encodeLine(text)}`;
    if (k === 'memory') {
      const bytes = configMemoryBytes(v);
      if (bytes !== undefined) line += `   # ${formatBytes(bytes)}`;
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
