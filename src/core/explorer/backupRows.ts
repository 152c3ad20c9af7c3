/**
 * The explorer's backup rows, as plain data (no `guestId`: hovering them shows their own tooltip, not the
 * guest's; their ids name the guest row): a guest's "Backups" folder and one row per backup with date,
 * size, mode, notes and protection, and a tooltip that labels each of them.
 */
import type { Backup } from '../pve/backups';
import type { Guest } from '../pve/types';
import { formatBytes } from './format';
import { backupRowId, backupsRowId } from './rowIds';
import { makeRow, type Row } from './rows';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-12-01 02:00` in local time (the zone the user reads in). */
export function backupDate(ctime: number | undefined, seconds = false): string {
  if (ctime === undefined) return 'unknown date';
  const d = new Date(ctime * 1000);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${base}:${pad(d.getSeconds())}` : base;
}

export function backupsFolderRow(guestRowId: string, guest: Guest): Row {
  return makeRow({
    id: backupsRowId(guestRowId),
    kind: 'backups',
    parentId: guestRowId,
    label: 'Backups',
    icon: { id: 'archive' },
    contextValue: `backups ${guest.type}${guest.template ? ' template' : ''}`,
    collapsible: 'collapsed',
    node: guest.node,
  });
}

export function backupTooltip(b: Backup, guest: Guest): string {
  const who = guest.name ? `${guest.name} (VMID ${guest.vmid})` : `VMID ${guest.vmid}`;
  return [
    `Backup of ${who}`,
    `Date: ${backupDate(b.ctime, true)}`,
    `Size: ${formatBytes(b.size)}`,
    `Mode: ${b.mode ?? 'not recorded (Proxmox keeps it only in the backup log)'}`,
    `Notes: ${b.notes ?? '(none)'}`,
    `Protected: ${b.protected ? 'yes — Proxmox refuses to delete it until the protection is removed' : 'no'}`,
    `Storage: ${b.storage} on ${b.node}`,
    `Format: ${b.format || 'unknown'}`,
    `Volume: ${b.volid}`,
  ].join('\n');
}

/** A guest's backups, newest first; one message row when there are none. */
export function backupRows(guestRowId: string, guest: Guest, backups: readonly Backup[]): Row[] {
  const folder = backupsRowId(guestRowId);
  if (backups.length === 0) {
    return [
      makeRow({
        id: `${folder}/(none)`,
        kind: 'message',
        parentId: folder,
        label: 'No backups',
        description: 'Back Up Now makes one',
        icon: { id: 'info' },
        contextValue: 'message',
        collapsible: 'none',
      }),
    ];
  }
  return [...backups]
    .sort((a, b) => (b.ctime ?? 0) - (a.ctime ?? 0))
    .map((b) =>
      makeRow({
        id: backupRowId(guestRowId, b.volid),
        kind: 'backup',
        parentId: folder,
        label: backupDate(b.ctime),
        description: [formatBytes(b.size), b.mode, b.notes].filter(Boolean).join(' · '),
        icon: b.protected ? { id: 'lock', color: 'charts.yellow' } : { id: 'archive' },
        contextValue: `backup ${guest.type}${b.protected ? ' protected' : ''}`,
        collapsible: 'none',
        tooltip: backupTooltip(b, guest),
        node: b.node,
      }),
    );
}
