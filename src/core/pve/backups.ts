/**
 * Backups through the Proxmox API: list a storage's `backup` content, start vzdump, restore an archive to a
 * VMID (`qmrestore` / `pct restore` as API calls), delete a backup volume and change its notes or protection.
 * Every name that goes into a URL path passes the client's segment check (client.ts `seg`).
 */
import type { CallOptions, GuestRef, PveApi } from './api';
import { seg, type Params } from './paths';
import { InvalidPathSegmentError, InvalidResponseError } from './errors';
import { bool, num } from './fields';
import { parseUpidResult } from './parse';
import type { GuestType } from './types';

export type BackupMode = 'snapshot' | 'suspend' | 'stop';
export type BackupCompression = 'zstd' | 'gzip' | 'lzo' | '0';

export interface Backup {
  /** `local:backup/vzdump-qemu-104-2026_12_01-02_00_03.vma.zst` */
  readonly volid: string;
  readonly storage: string;
  readonly node: string;
  readonly vmid?: number;
  /** `qemu` or `lxc` (PVE's `subtype`; guessed from the archive name when absent). */
  readonly type?: GuestType;
  /** Unix seconds. */
  readonly ctime?: number;
  /** Bytes. */
  readonly size: number;
  readonly format: string;
  readonly notes?: string;
  readonly protected: boolean;
  /** Not part of PVE's listing: read from notes that "Back Up Now" wrote ("… (snapshot mode)"). */
  readonly mode?: BackupMode;
}

/** The one client call backups need beyond PveApi; `PveClient` has it. */
export interface BackupApi {
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: Params, o?: CallOptions): Promise<{ data: unknown; total?: number }>;
}

/** The API as a BackupApi, or a clear error for a stand-in that cannot make raw requests. */
export function backupApiOf(api: PveApi): BackupApi {
  const candidate = api as Partial<BackupApi>;
  if (typeof candidate.request !== 'function') throw new Error('This connection cannot list or make backups (its client has no request method).');
  return candidate as BackupApi;
}

const MODE_IN_NOTES = /\((snapshot|suspend|stop) mode\)\s*$/;

/** The mode "Back Up Now" recorded in the notes, if any. */
export function backupModeOf(notes: string | undefined): BackupMode | undefined {
  const m = notes ? MODE_IN_NOTES.exec(notes) : null;
  return m ? (m[1] as BackupMode) : undefined;
}

/** The notes template "Back Up Now" sends: the guest's name (vzdump fills it in) and the mode. */
export function notesTemplateFor(mode: BackupMode, text = '{{guestname}}'): string {
  return `${text.replace(MODE_IN_NOTES, '').trimEnd()} (${mode} mode)`;
}

/** The storage a volume ID names (`local` in `local:backup/…`). */
export function storageOfVolid(volid: string): string {
  const colon = volid.indexOf(':');
  if (colon <= 0 || colon === volid.length - 1) throw new InvalidPathSegmentError(volid, 'backup volume ID (storage:backup/name)');
  return volid.slice(0, colon);
}

function guestTypeOf(r: Record<string, unknown>, volid: string): GuestType | undefined {
  if (r.subtype === 'qemu' || r.subtype === 'lxc') return r.subtype;
  if (/vzdump-qemu-/.test(volid)) return 'qemu';
  if (/vzdump-lxc-|vzdump-openvz-/.test(volid)) return 'lxc';
  return undefined;
}

/** Rows of GET …/storage/{storage}/content, backups only, oldest first. */
export function parseBackups(data: unknown, node: string, storage: string): Backup[] {
  if (!Array.isArray(data)) throw new InvalidResponseError(`the content of storage ${storage} on ${node} is not a list`);
  const out: Backup[] = [];
  for (const row of data as Record<string, unknown>[]) {
    if (!row || typeof row !== 'object' || typeof row.volid !== 'string') continue;
    if (row.content !== undefined && row.content !== 'backup') continue;
    const volid = row.volid;
    const b: { -readonly [K in keyof Backup]: Backup[K] } = {
      volid,
      storage,
      node,
      size: num(row.size) ?? 0,
      format: typeof row.format === 'string' ? row.format : '',
      protected: bool(row.protected),
    };
    const vmid = num(row.vmid);
    if (vmid !== undefined) b.vmid = vmid;
    const type = guestTypeOf(row, volid);
    if (type) b.type = type;
    const ctime = num(row.ctime);
    if (ctime !== undefined) b.ctime = ctime;
    if (typeof row.notes === 'string' && row.notes !== '') b.notes = row.notes;
    const mode = backupModeOf(b.notes);
    if (mode) b.mode = mode;
    out.push(b);
  }
  return out.sort((a, b) => (a.ctime ?? 0) - (b.ctime ?? 0));
}

export async function listBackups(api: BackupApi, node: string, storage: string, vmid?: number, o?: CallOptions): Promise<Backup[]> {
  const { data } = await api.request('GET', `/nodes/${seg(node, 'node name')}/storage/${seg(storage, 'storage')}/content`, { content: 'backup', vmid }, o);
  return parseBackups(data, node, storage);
}

export interface BackupOptions {
  readonly storage: string;
  readonly mode: BackupMode;
  readonly compress: BackupCompression;
  /** vzdump's notes template (`{{guestname}}` …). */
  readonly notesTemplate?: string;
  readonly protected?: boolean;
}

/** POST /nodes/{node}/vzdump for one guest; returns the task's UPID. */
export async function backupGuest(api: BackupApi, ref: GuestRef, options: BackupOptions, o?: CallOptions): Promise<string> {
  const params: Params = {
    vmid: ref.vmid,
    storage: options.storage,
    mode: options.mode,
    compress: options.compress,
    'notes-template': options.notesTemplate,
    protected: options.protected,
  };
  const { data } = await api.request('POST', `/nodes/${seg(ref.node, 'node name')}/vzdump`, params, o);
  return parseUpidResult(data, 'the backup');
}

export interface RestoreOptions {
  readonly node: string;
  readonly type: GuestType;
  /** The VMID to restore to. */
  readonly vmid: number;
  readonly volid: string;
  /** New MAC addresses and UUIDs, so the copy can run next to the original (default true). */
  readonly unique?: boolean;
  /** Replace an existing guest with this VMID (PVE's `force`); the caller confirms it first. */
  readonly overwrite?: boolean;
  /** Target storage for the disks (default: the ones in the backup). */
  readonly storage?: string;
}

/** `qmrestore` / `pct restore` through the API; returns the task's UPID. */
export async function restoreBackup(api: BackupApi, options: RestoreOptions, o?: CallOptions): Promise<string> {
  storageOfVolid(options.volid);
  if (options.type !== 'qemu' && options.type !== 'lxc') throw new InvalidPathSegmentError(String(options.type), 'guest type');
  const common: Params = { vmid: options.vmid, unique: options.unique ?? true, storage: options.storage, ...(options.overwrite ? { force: true } : {}) };
  const params: Params = options.type === 'qemu' ? { ...common, archive: options.volid } : { ...common, ostemplate: options.volid, restore: true };
  const { data } = await api.request('POST', `/nodes/${seg(options.node, 'node name')}/${options.type}`, params, o);
  return parseUpidResult(data, 'the restore');
}

/** DELETE a backup volume; returns the task's UPID, or null when the server removed it at once. */
export async function deleteBackup(api: BackupApi, node: string, volid: string, o?: CallOptions): Promise<string | null> {
  const storage = storageOfVolid(volid);
  const { data } = await api.request('DELETE', `/nodes/${seg(node, 'node name')}/storage/${seg(storage, 'storage')}/content/${seg(volid, 'backup volume ID')}`, undefined, o);
  return data === null || data === undefined || data === '' ? null : parseUpidResult(data, 'the backup deletion');
}

export async function updateBackup(api: BackupApi, node: string, volid: string, changes: { readonly notes?: string; readonly protected?: boolean }, o?: CallOptions): Promise<void> {
  const storage = storageOfVolid(volid);
  await api.request('PUT', `/nodes/${seg(node, 'node name')}/storage/${seg(storage, 'storage')}/content/${seg(volid, 'backup volume ID')}`, { notes: changes.notes, protected: changes.protected }, o);
}
