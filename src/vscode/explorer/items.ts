import * as vscode from 'vscode';
import { errorRowId, makeRow, moreRowId, type GuestFilter, type Row } from '../../core/explorer';
import type { ConnectionSession } from './session';

/** What VS Code holds for a row: one stable object per row id, so selection and expansion survive refreshes. */
export interface Element {
  readonly id: string;
}

/** The connection's own row: name, host, whether it is the active one, guest count and filter. */
export function connectionRow(s: ConnectionSession, active: boolean, filter: GuestFilter | undefined): Row {
  let host = s.settings.url;
  try {
    host = new URL(s.settings.url).host;
  } catch {
    // keep the raw text
  }
  const parts = [host];
  if (active) parts.push('active');
  if (s.subtree) parts.push(`${s.subtree.guestCount} guests`);
  if (filter) parts.push(`filter: ${filter.text}`);
  return makeRow({
    id: s.rootId,
    kind: 'connection',
    parentId: undefined,
    label: s.settings.name,
    description: parts.join(' · '),
    icon: s.error ? { id: 'debug-disconnect', color: 'errorForeground' } : { id: 'plug', color: active ? 'charts.green' : undefined },
    contextValue: `connection${active ? ' active' : ''}`,
    collapsible: active ? 'expanded' : 'collapsed',
  });
}

/** The first row below a connection whose last refresh failed: what went wrong, and the fix when known. */
export function errorRow(s: ConnectionSession): Row | undefined {
  if (!s.error) return undefined;
  const e = s.error;
  return makeRow({
    id: errorRowId(s.rootId),
    kind: 'message',
    parentId: undefined,
    label: e.label,
    description: s.subtree ? 'showing the last known state' : undefined,
    icon: { id: e.kind === 'certificate-changed' ? 'shield' : e.kind === 'offline' ? 'debug-disconnect' : 'error', color: 'errorForeground' },
    contextValue: `message error ${e.kind}`,
    collapsible: 'none',
    tooltip: e.detail,
    ...(e.action ? { action: e.action } : {}),
  });
}

export const SHOW_MORE_COMMAND = 'proxmoxIac.explorer.showMore';

/** The last row of a paged parent: clicking it shows the next page. */
export function moreRow(parentId: string, shown: number, total: number, pageSize: number): Row {
  const next = Math.min(pageSize, total - shown);
  return makeRow({
    id: moreRowId(parentId),
    kind: 'message',
    parentId,
    label: `Show ${next.toLocaleString('en-US')} more`,
    description: `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} shown`,
    icon: { id: 'ellipsis' },
    contextValue: 'message more',
    collapsible: 'none',
    action: { command: SHOW_MORE_COMMAND, title: 'Show More' },
  });
}

/** A row as VS Code draws it. */
export function treeItemOf(row: Row, el: Element): vscode.TreeItem {
  const item = new vscode.TreeItem(
    row.label,
    row.collapsible === 'expanded'
      ? vscode.TreeItemCollapsibleState.Expanded
      : row.collapsible === 'collapsed'
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
  );
  item.id = row.id;
  item.description = row.description;
  item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined);
  item.contextValue = row.contextValue;
  // Message rows carry their sentence; every other row's tooltip is built on hover (tooltips.ts).
  if (row.kind === 'message' && row.tooltip) item.tooltip = row.tooltip;
  if (row.action) item.command = { command: row.action.command, title: row.action.title, arguments: [el] };
  if (row.kind === 'iac-missing') item.command = { command: 'proxmoxIac.guest.revealInIac', title: 'Reveal in IaC File', arguments: [el] };
  if (row.kind === 'iac-unmanaged') item.command = { command: 'proxmoxIac.explorer.revealGuest', title: 'Show in Tree', arguments: [el] };
  return item;
}
