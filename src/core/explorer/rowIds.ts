/**
 * The one place that makes and reads explorer row ids. Every row id starts with its connection's root id
 * (`conn:<connection id>`), so several clusters never clash; the rows VS Code knows beyond those
 * `buildSubTree` makes are the connection's error row, a guest's snapshot rows and a paged parent's
 * "Show more" row, each with its own suffix below.
 */
const ROOT_PREFIX = 'conn:';
const ERROR_SUFFIX = '/error';
const SNAPSHOT_PART = '/snapshot/';
const MORE_SUFFIX = '/+more';
// `+` starts no tag, pool, node or snapshot name, so these never clash with a grouping's or a snapshot's id.
const BACKUPS_SUFFIX = '/+backups';
const BACKUP_PART = '/+backups/';

/** What a row id says about where the row lives, without looking the row up. */
export type RowRef =
  | { readonly kind: 'connection'; readonly connectionId: string; readonly rootId: string }
  | { readonly kind: 'error'; readonly connectionId: string; readonly rootId: string }
  | { readonly kind: 'snapshot'; readonly connectionId: string; readonly rootId: string; readonly guestRowId: string; readonly name: string }
  | { readonly kind: 'more'; readonly connectionId: string; readonly rootId: string; readonly parentId: string }
  | { readonly kind: 'backups'; readonly connectionId: string; readonly rootId: string; readonly guestRowId: string }
  | { readonly kind: 'backup'; readonly connectionId: string; readonly rootId: string; readonly guestRowId: string; readonly volid: string }
  | { readonly kind: 'row'; readonly connectionId: string; readonly rootId: string };

export function rootIdOf(connectionId: string): string {
  return `${ROOT_PREFIX}${encodeURIComponent(connectionId)}`;
}

/**
 * A name from the server as one part of a row id: encoded, so a node named `a/b` or `x/+more` can neither split
 * into two parts nor end like another kind of row. Host names and storage ids pass unchanged; a nested pool
 * (`dev/team1`, PVE 8.1+) is encoded.
 */
export function idPart(name: string): string {
  return encodeURIComponent(name);
}

/** A node's row (grouped by node). */
export function nodeRowId(rootId: string, node: string): string {
  return `${rootId}/node/${idPart(node)}`;
}

export function errorRowId(rootId: string): string {
  return `${rootId}${ERROR_SUFFIX}`;
}

export function snapshotRowId(guestRowId: string, name: string): string {
  return `${guestRowId}${SNAPSHOT_PART}${name}`;
}

/** A guest's "Backups" folder. */
export function backupsRowId(guestRowId: string): string {
  return `${guestRowId}${BACKUPS_SUFFIX}`;
}

/** One backup below a guest's "Backups" folder (the volume ID contains `/` and `:`, so it is encoded). */
export function backupRowId(guestRowId: string, volid: string): string {
  return `${guestRowId}${BACKUP_PART}${encodeURIComponent(volid)}`;
}

/** The "Show more" row at the end of a paged parent's children. */
export function moreRowId(parentId: string): string {
  return `${parentId}${MORE_SUFFIX}`;
}

/** Reads a row id; undefined for an id that is not an explorer row. */
export function parseRowId(id: string): RowRef | undefined {
  if (!id.startsWith(ROOT_PREFIX)) return undefined;
  const slash = id.indexOf('/');
  const rootId = slash < 0 ? id : id.slice(0, slash);
  let connectionId: string;
  try {
    connectionId = decodeURIComponent(rootId.slice(ROOT_PREFIX.length));
  } catch {
    return undefined;
  }
  if (slash < 0) return { kind: 'connection', connectionId, rootId };
  if (id === `${rootId}${ERROR_SUFFIX}`) return { kind: 'error', connectionId, rootId };
  if (id.endsWith(MORE_SUFFIX)) return { kind: 'more', connectionId, rootId, parentId: id.slice(0, -MORE_SUFFIX.length) };
  const backup = id.indexOf(BACKUP_PART);
  if (backup > 0) {
    try {
      return { kind: 'backup', connectionId, rootId, guestRowId: id.slice(0, backup), volid: decodeURIComponent(id.slice(backup + BACKUP_PART.length)) };
    } catch {
      return undefined;
    }
  }
  if (id.endsWith(BACKUPS_SUFFIX)) return { kind: 'backups', connectionId, rootId, guestRowId: id.slice(0, -BACKUPS_SUFFIX.length) };
  const snap = id.lastIndexOf(SNAPSHOT_PART);
  if (snap > 0) return { kind: 'snapshot', connectionId, rootId, guestRowId: id.slice(0, snap), name: id.slice(snap + SNAPSHOT_PART.length) };
  return { kind: 'row', connectionId, rootId };
}

/** The guest row a row belongs to: itself, or the guest of a snapshot, backups or backup row. */
export function guestRowIdOf(id: string): string {
  const ref = parseRowId(id);
  return ref?.kind === 'snapshot' || ref?.kind === 'backups' || ref?.kind === 'backup' ? ref.guestRowId : id;
}
