import * as vscode from 'vscode';
import { configMemoryBytes, formatBytes } from '../../core/explorer/format';
import type { GuestRef, PveApi } from '../../core/pve/api';

export const CONFIG_SCHEME = 'proxmox-config';

/** `proxmox-config:/<connection>/<node>/<type>/<vmid>/<name>.conf` → what to fetch. */
export function configUri(connectionId: string, ref: GuestRef, name: string): vscode.Uri {
  const safe = (name || String(ref.vmid)).replace(/[^A-Za-z0-9._-]/g, '_');
  return vscode.Uri.from({
    scheme: CONFIG_SCHEME,
    path: `/${encodeURIComponent(connectionId)}/${encodeURIComponent(ref.node)}/${ref.type}/${ref.vmid}/${ref.vmid}-${safe}.conf`,
  });
}

/** PVE's config as `key: value` lines (the format of /etc/pve/…/VMID.conf), read-only. */
export function renderConfig(config: Record<string, unknown>): string {
  const lines: string[] = [];
  const keys = Object.keys(config)
    .filter((k) => k !== 'digest')
    .sort();
  for (const k of keys) {
    const v = config[k];
    const text = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    let line = `${k}: ${text}`;
    if (k === 'memory') {
      const bytes = configMemoryBytes(v);
      if (bytes !== undefined) line += `   # ${formatBytes(bytes)}`;
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** Serves guest configurations as read-only virtual documents. */
export class ConfigDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly apiFor: (connectionId: string) => Promise<PveApi | undefined>) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const [, conn, node, type, vmid] = uri.path.split('/');
    const api = await this.apiFor(decodeURIComponent(conn ?? ''));
    if (!api) return '# The connection for this configuration no longer exists.\n';
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const config = await api.config(
      { node: decodeURIComponent(node ?? ''), type: type === 'lxc' ? 'lxc' : 'qemu', vmid: Number(vmid) },
      { signal: controller.signal },
    );
    return renderConfig(config);
  }
}
