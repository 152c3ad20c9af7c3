import { parseRowId, type GuestFilter, type Row } from '../../core/explorer';
import { backupRowOf } from './backups';
import { connectionRow, errorRow } from './items';
import { moreRowOf } from './paging';
import type { ConnectionSession } from './session';

/**
 * What the explorer around a session decides about its rows, read only by the rows that show it: VS Code asks
 * for a page of guest rows after every refresh, and reading a setting walks VS Code's configuration model.
 */
export interface RowContext {
  activeId(): string | undefined;
  filter(): GuestFilter | undefined;
  pageSize(): number;
}

/** The row an id names in a session: from its last tree, or made on demand (connection, error, "Show more"). */
export function rowOf(s: ConnectionSession, id: string, ctx: RowContext): Row | undefined {
  const ref = parseRowId(id);
  if (!ref) return undefined;
  switch (ref.kind) {
    case 'connection':
      return connectionRow(s, ctx.activeId() === s.settings.id, ctx.filter());
    case 'error':
      return errorRow(s);
    case 'more':
      return moreRowOf(s, id, ctx.pageSize());
    case 'snapshot':
      return s.subtree?.rows.get(id) ?? s.snapshots.get(ref.guestRowId)?.find((r) => r.id === id);
    case 'row':
      return s.subtree?.rows.get(id);
    case 'backups':
    case 'backup':
      return backupRowOf(s, id);
  }
}
