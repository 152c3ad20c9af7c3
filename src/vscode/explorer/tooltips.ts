import * as vscode from 'vscode';
import { connectionTooltip, groupTooltip, guestTooltip, missingTooltip, nodeTooltip, storageTooltip, type Row } from '../../core/explorer';
import type { Element, ExplorerProvider } from './provider';

/**
 * The tooltip of any explorer row, built when the user hovers it (so changing figures never re-render a
 * row): each kind of row says what it is and labels every figure; a snapshot row shows the snapshot, not
 * its guest. Message rows carry their own plain-text tooltip and never get here.
 */
export async function rowTooltip(provider: ExplorerProvider, el: Element, token: vscode.CancellationToken): Promise<vscode.MarkdownString | undefined> {
  const row = provider.row(el.id);
  const s = provider.stateOf(el.id);
  if (!row || !s) return undefined;
  const text = await tooltipText(provider, row, el, token);
  return text === undefined ? undefined : new vscode.MarkdownString(text);
}

async function tooltipText(provider: ExplorerProvider, row: Row, el: Element, token: vscode.CancellationToken): Promise<string | undefined> {
  const s = provider.stateOf(el.id)!;
  const snap = s.snapshot;
  switch (row.kind) {
    case 'guest':
    case 'iac-unmanaged': {
      const t = provider.guestOf(el.id);
      if (!t) return undefined;
      // The agent's state, OS and addresses: the guest-agent board's last check, else the explorer asks itself.
      const agent = await provider.agentSummary(t.state, t.guest, token).catch(() => undefined);
      const declarations = t.state.subtree?.correlation ? provider.declarationsOf(t.state, t.guest) : undefined;
      const ro = provider.readonlySourceOf(t.state, t.guest);
      return guestTooltip(t.guest, { declarations, readonlySource: ro, ...(agent ? { agent } : {}) });
    }
    case 'snapshot':
    case 'backup':
      // Built with the snapshot's or backup's own facts when its row was made (guestChildren.ts, backupRows.ts).
      return row.tooltip;
    case 'backups':
      return groupTooltip('Backups', 'this guest’s backups on the backup storages of its node', childCount(s, row), 'backup');
    case 'node': {
      const n = snap?.nodes.find((x) => x.node === row.node);
      if (!n || !snap) return undefined;
      let total = 0;
      let running = 0;
      for (const g of snap.guests) {
        if (g.node !== n.node) continue;
        total++;
        if (g.status === 'running') running++;
      }
      return nodeTooltip(n, { total, running }, snap.storages.filter((x) => x.node === n.node).length);
    }
    case 'storage': {
      const st = snap?.storages.find((x) => `${s.rootId}/${x.id}` === row.id);
      return st ? storageTooltip(st) : undefined;
    }
    case 'connection':
      return connectionTooltip({
        name: s.settings.name,
        url: s.settings.url,
        active: /\bactive\b/.test(row.contextValue),
        nodes: snap?.nodes.length,
        guests: snap?.guests.length,
        storages: snap?.storages.length,
        error: s.error?.label,
        filter: provider.filterText || undefined,
      });
    case 'iac-missing':
      return row.declaration ? missingTooltip(row.declaration) : undefined;
    case 'storage-group':
      return groupTooltip(row.node ? `Storage on ${row.node}` : 'Storage', 'the cluster’s storages', childCount(s, row), 'storage');
    case 'group':
      return groupTooltip(row.label, `guests grouped by ${row.contextValue.replace(/^group /, '')}`, childCount(s, row), 'guest');
    case 'iac-missing-group':
      return groupTooltip(row.label, 'declared in the workspace’s IaC files, with no guest of that VMID or name on the cluster', childCount(s, row), 'declaration');
    case 'iac-unmanaged-group':
      return groupTooltip(row.label, 'guests on the cluster that no IaC file in the workspace declares', childCount(s, row), 'guest');
    case 'message':
      return row.tooltip;
  }
}

function childCount(s: NonNullable<ReturnType<ExplorerProvider['stateOf']>>, row: Row): number {
  return s.subtree?.childCount(row.id) ?? 0;
}
