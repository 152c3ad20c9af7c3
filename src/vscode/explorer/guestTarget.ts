import * as vscode from 'vscode';
import { readonlyMessage } from '../../core/explorer';
import type { GuestRef } from '../../core/pve/api';
import type { Guest } from '../../core/pve/types';
import type { Element, ExplorerProvider } from './provider';

/** A guest row an action works on: the connection's session, the guest and its row. */
export type Target = NonNullable<ReturnType<ExplorerProvider['guestOf']>>;

export function refOf(g: Guest): GuestRef {
  return { node: g.node, type: g.type, vmid: g.vmid };
}

/** The guest behind a tree element, or (from the command palette) one the user picks among those `filter` accepts. */
export async function guestTarget(provider: ExplorerProvider, el: Element | undefined, filter: (g: Guest) => boolean = () => true): Promise<Target | undefined> {
  if (el) {
    const t = provider.guestOf(el.id);
    if (!t) void vscode.window.showWarningMessage('That row is no longer in the explorer. Refresh and try again.');
    return t;
  }
  const candidates: (vscode.QuickPickItem & { id: string })[] = [];
  for (const s of provider.connectionStates()) {
    if (!s.subtree) continue;
    for (const [rowId, row] of s.subtree.rows) {
      const g = row.kind === 'guest' && row.guestId ? s.subtree.guests.get(row.guestId) : undefined;
      if (g && filter(g) && !candidates.some((c) => provider.guestOf(c.id)?.guest.id === g.id && provider.stateOf(c.id) === s)) {
        candidates.push({ id: rowId, label: g.name || String(g.vmid), description: `${g.vmid} · ${g.node} · ${g.template ? 'template' : g.status}`, detail: s.settings.name });
      }
    }
  }
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('No guest to choose: open the Proxmox explorer and connect to a cluster first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(candidates, { placeHolder: 'Choose a guest', matchOnDescription: true });
  return picked ? provider.guestOf(picked.id) : undefined;
}

/** Mutating actions stop here for read-only guests and untrusted workspaces, with the reason. */
export function mayModify(provider: ExplorerProvider, t: Target, action: string): boolean {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(`"${action}" is not available in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to act on the cluster.`);
    return false;
  }
  const source = provider.readonlySourceOf(t.state, t.guest);
  if (source) {
    void vscode.window.showWarningMessage(readonlyMessage(t.guest, action, { source }));
    return false;
  }
  return true;
}

/** After an action: the guest's cached addresses and agent answer are stale, and the tree refreshes at once. */
export async function afterAction(provider: ExplorerProvider, t: Target): Promise<void> {
  t.state.ips.delete(t.guest.id);
  t.state.agent.delete(t.guest.id);
  await provider.requestRefresh(0);
}
