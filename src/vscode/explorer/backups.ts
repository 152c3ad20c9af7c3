import { backupRows, backupsFolderRow } from '../../core/explorer/backupRows';
import { describeTreeError, makeRow, parseRowId, type Row } from '../../core/explorer';
import type { PveApi } from '../../core/pve/api';
import { backupApiOf, listBackups, type Backup } from '../../core/pve/backups';
import type { Guest } from '../../core/pve/types';
import { snapshotRows } from './guestChildren';
import type { ConnectionSession } from './session';

/** A guest's backups as the tree shows them, and the backup behind each row. */
export interface BackupListing {
  readonly rows: readonly Row[];
  readonly byId: ReadonlyMap<string, Backup>;
}

function guestOfRow(s: ConnectionSession, guestRowId: string): { row: Row; guest: Guest } | undefined {
  const row = s.subtree?.rows.get(guestRowId);
  const guest = row?.guestId ? s.subtree?.guests.get(row.guestId) : undefined;
  return row && guest ? { row, guest } : undefined;
}

/** A guest's children: its snapshots (templates have none), then its "Backups" folder. */
export async function guestChildRows(s: ConnectionSession, guestRow: Row, api: () => Promise<PveApi>): Promise<Row[]> {
  const guest = guestRow.guestId ? s.subtree?.guests.get(guestRow.guestId) : undefined;
  if (!guest) return [];
  const snapshots = guest.template ? [] : await snapshotRows(s, guestRow, api);
  return [...snapshots, backupsFolderRow(guestRow.id, guest)];
}

/** Storages of the guest's node that hold backups (from the last /cluster/resources answer). */
export function backupStorages(s: ConnectionSession, node: string): string[] {
  return (s.snapshot?.storages ?? []).filter((x) => x.node === node && x.content.includes('backup')).map((x) => x.storage);
}

/** The rows below a "Backups" folder: read from every backup storage of the guest's node, cached until invalidated. */
export async function backupFolderChildren(s: ConnectionSession, folderId: string, api: () => Promise<PveApi>): Promise<Row[]> {
  const ref = parseRowId(folderId);
  if (ref?.kind !== 'backups') return [];
  const cached = s.backups.get(ref.guestRowId);
  if (cached) return [...cached.rows];
  const g = guestOfRow(s, ref.guestRowId);
  if (!g) return [];
  try {
    const client = backupApiOf(await api());
    const lists = await Promise.all(backupStorages(s, g.guest.node).map((storage) => listBackups(client, g.guest.node, storage, g.guest.vmid)));
    const backups = lists.flat().filter((b) => b.vmid === undefined || b.vmid === g.guest.vmid);
    const rows = backupRows(ref.guestRowId, g.guest, backups);
    const byId = new Map<string, Backup>();
    for (const row of rows) {
      const r = parseRowId(row.id);
      const b = r?.kind === 'backup' ? backups.find((x) => x.volid === r.volid) : undefined;
      if (b) byId.set(row.id, b);
    }
    s.backups.set(ref.guestRowId, { rows, byId });
    return rows;
  } catch (err) {
    const te = describeTreeError(err);
    // Not cached: the next expansion tries again.
    return [
      makeRow({
        id: `${folderId}/(error)`,
        kind: 'message',
        parentId: folderId,
        label: `Backups unavailable: ${te.label}`,
        icon: { id: 'error', color: 'errorForeground' },
        contextValue: 'message error',
        collapsible: 'none',
        tooltip: te.detail,
      }),
    ];
  }
}

/** The row for a backups-related id: the folder (built from the guest row) or a cached backup row. */
export function backupRowOf(s: ConnectionSession, id: string): Row | undefined {
  const ref = parseRowId(id);
  if (ref?.kind === 'backups') {
    const g = guestOfRow(s, ref.guestRowId);
    return g ? backupsFolderRow(ref.guestRowId, g.guest) : undefined;
  }
  if (ref?.kind === 'backup') return s.backups.get(ref.guestRowId)?.rows.find((r) => r.id === id);
  return undefined;
}

/** The backup a row shows, with its guest row's id. */
export function backupOf(s: ConnectionSession, id: string): { backup: Backup; guestRowId: string } | undefined {
  const ref = parseRowId(id);
  if (ref?.kind !== 'backup') return undefined;
  const backup = s.backups.get(ref.guestRowId)?.byId.get(id);
  return backup ? { backup, guestRowId: ref.guestRowId } : undefined;
}
