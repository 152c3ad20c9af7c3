import * as vscode from 'vscode';
import { renderGuestConfig } from '../../core/explorer/guestConfigText';
import type { GuestRef, PveApi } from '../../core/pve/api';

export const CONFIG_SCHEME = 'proxmox-config';
/** The language of guest configuration files (syntaxes/proxmox-guest-config.tmLanguage.json). */
export const GUEST_CONFIG_LANGUAGE = 'proxmox-guest-config';

/**
 * `proxmox-config:/<connection>/<node>/qemu-server/<vmid>-<name>.conf` (or `/lxc/`) → what to fetch. The
 * folder is named as on a node (/etc/pve/qemu-server, /etc/pve/lxc), so the file association of the
 * guest-configuration language applies to these documents as to the real files.
 */
export function configUri(connectionId: string, ref: GuestRef, name: string): vscode.Uri {
  const safe = (name || String(ref.vmid)).replace(/[^A-Za-z0-9._-]/g, '_');
  const folder = ref.type === 'lxc' ? 'lxc' : 'qemu-server';
  return vscode.Uri.from({
    scheme: CONFIG_SCHEME,
    path: `/${encodeURIComponent(connectionId)}/${encodeURIComponent(ref.node)}/${folder}/${ref.vmid}-${safe}.conf`,
  });
}

/** Serves guest configurations as read-only virtual documents. */
export class ConfigDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly apiFor: (connectionId: string) => Promise<PveApi | undefined>) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const [, conn, node, folder, file] = uri.path.split('/');
    const api = await this.apiFor(decodeURIComponent(conn ?? ''));
    if (!api) return '# The connection for this configuration no longer exists.\n';
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const config = await api.config(
      { node: decodeURIComponent(node ?? ''), type: folder === 'lxc' ? 'lxc' : 'qemu', vmid: Number(/^\d+/.exec(file ?? '')?.[0]) },
      { signal: controller.signal },
    );
    return renderGuestConfig(config);
  }
}
