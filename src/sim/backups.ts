/**
 * Backups in the simulator: storage `backup` content, vzdump as a task that holds the guest's `backup` lock,
 * restores through POST /nodes/{node}/qemu (`archive`) and /lxc (`restore=1`, `ostemplate`), deleting a backup
 * volume (refused while protected) and updating its notes and protection. The shapes follow the 9.1 schema
 * (src/sim/schema/apidoc.json); texts follow pve-manager / qemu-server / pve-container where known.
 */
import { createHash } from 'node:crypto';
import { backupOfArchiveFile } from './archiveFile';
import { checkLock, guestTask, requireNode, SimError, type Handler, type HandlerContext, type HandlerResult } from './handlers';
import type { SimBackup, SimGuest, SimState } from './state';
import type { Value } from './validate';

const r = (data: unknown): HandlerResult => ({ data });

function flag(v: Value | undefined): boolean {
  return v === true || v === 1 || v === '1';
}

const COMPRESS_EXT: Record<string, string> = { '0': '', '1': '.lzo', lzo: '.lzo', gzip: '.gz', zstd: '.zst' };

/** `vzdump-qemu-104-2026_12_01-02_00_03` for a time in seconds (UTC, as the simulator has no time zone). */
function archiveBase(type: 'qemu' | 'lxc', vmid: number, ctime: number): string {
  const d = new Date(ctime * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `vzdump-${type}-${vmid}-${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}-${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}`;
}

/** Makes the backup record vzdump would leave behind (the volid's time is moved on until it is unique). */
export function makeBackup(state: SimState, g: SimGuest, opts: { storage: string; node: string; ctime: number; compress?: string; notes?: string; protected?: boolean }): SimBackup {
  const ext = COMPRESS_EXT[opts.compress ?? 'zstd'] ?? '.zst';
  const format = `${g.type === 'qemu' ? 'vma' : 'tar'}${ext}`;
  let ctime = opts.ctime;
  let volid = `${opts.storage}:backup/${archiveBase(g.type, g.vmid, ctime)}.${format}`;
  while (state.backups.some((b) => b.volid === volid && b.node === opts.node)) {
    ctime++;
    volid = `${opts.storage}:backup/${archiveBase(g.type, g.vmid, ctime)}.${format}`;
  }
  // Deterministic sizes: about a fifth of the disk, less when compressed harder.
  const ratio = ext === '' ? 0.4 : ext === '.zst' ? 0.16 : 0.2;
  const jitter = createHash('sha1').update(volid).digest()[0] / 2550;
  return {
    volid,
    storage: opts.storage,
    node: opts.node,
    vmid: g.vmid,
    subtype: g.type,
    ctime,
    size: Math.floor(g.maxdisk * (ratio + jitter)),
    format,
    ...(opts.notes ? { notes: opts.notes } : {}),
    protected: opts.protected ?? false,
    source: {
      name: g.name,
      type: g.type,
      template: g.template,
      tags: [...g.tags],
      agent: g.agent,
      maxcpu: g.maxcpu,
      maxmem: g.maxmem,
      maxdisk: g.maxdisk,
      config: { ...g.config },
      ...(g.osinfo ? { osinfo: g.osinfo } : {}),
    },
  };
}

function storageOf(ctx: HandlerContext, node: string, name: string): SimState['storages'][number] {
  const s = ctx.state.storages.find((x) => x.node === node && x.storage === name);
  if (!s) throw new SimError(500, `storage '${name}' does not exist`);
  return s;
}

/** `local:backup/…` or, with `storage`, the part after the colon. */
function findBackup(ctx: HandlerContext): SimBackup {
  const node = requireNode(ctx);
  const volume = String(ctx.params.volume);
  const volid = volume.includes(':') || ctx.params.storage === undefined ? volume : `${String(ctx.params.storage)}:${volume}`;
  const b = ctx.state.backups.find((x) => x.node === node && x.volid === volid);
  if (!b) throw new SimError(500, `volume '${volid}' does not exist`);
  return b;
}

/** Datastore.Allocate on the storage, or Datastore.AllocateSpace there plus VM.Backup on the owner (the schema's text). */
function checkBackupAccess(ctx: HandlerContext, b: SimBackup): void {
  const p = ctx.principal;
  const storagePath = `/storage/${b.storage}`;
  if (p.can(storagePath, 'Datastore.Allocate')) return;
  if (!p.can(storagePath, 'Datastore.AllocateSpace')) throw new SimError(403, `Permission check failed (${storagePath}, Datastore.AllocateSpace)`);
  if (!p.can(`/vms/${b.vmid}`, 'VM.Backup')) throw new SimError(403, `Permission check failed (/vms/${b.vmid}, VM.Backup)`);
}

function contentRow(b: SimBackup): Record<string, unknown> {
  return {
    volid: b.volid,
    content: 'backup',
    ctime: b.ctime,
    format: b.format,
    size: b.size,
    subtype: b.subtype,
    vmid: b.vmid,
    ...(b.notes !== undefined ? { notes: b.notes.split('\n')[0] } : {}),
    ...(b.protected ? { protected: 1 } : {}),
  };
}

function listContent(ctx: HandlerContext): HandlerResult {
  const node = requireNode(ctx);
  const s = storageOf(ctx, node, String(ctx.params.storage));
  const content = ctx.params.content === undefined ? undefined : String(ctx.params.content);
  // Only backups are simulated; other content types list as empty.
  if ((content !== undefined && content !== 'backup') || !s.content.split(',').includes('backup')) return r([]);
  const vmid = ctx.params.vmid === undefined ? undefined : Number(ctx.params.vmid);
  const rows = ctx.state.backups
    .filter((b) => b.node === node && b.storage === s.storage && (vmid === undefined || b.vmid === vmid))
    // PVE lists a backup to those who may audit its guest or allocate on the storage.
    .filter((b) => ctx.principal.can(`/vms/${b.vmid}`, 'VM.Audit') || ctx.principal.can(`/storage/${s.storage}`, 'Datastore.Allocate'))
    .sort((a, b) => a.ctime - b.ctime)
    .map(contentRow);
  return r(rows);
}

function volumeInfo(ctx: HandlerContext): HandlerResult {
  const b = findBackup(ctx);
  const name = b.volid.slice(b.volid.indexOf('/') + 1);
  return r({ format: b.format, path: `/var/lib/vz/dump/${name}`, size: b.size, used: b.size, ...(b.notes !== undefined ? { notes: b.notes } : {}), ...(b.protected ? { protected: 1 } : {}) });
}

function updateVolume(ctx: HandlerContext): HandlerResult {
  const b = findBackup(ctx);
  checkBackupAccess(ctx, b);
  if (ctx.params.notes !== undefined) {
    const notes = String(ctx.params.notes);
    if (notes === '') delete b.notes;
    else b.notes = notes;
  }
  if (ctx.params.protected !== undefined) b.protected = flag(ctx.params.protected);
  return r(null);
}

function deleteVolume(ctx: HandlerContext): HandlerResult {
  const b = findBackup(ctx);
  checkBackupAccess(ctx, b);
  if (b.protected) throw new SimError(500, `cannot remove protected volume '${b.volid}' - unprotect it first`);
  const t = ctx.state.startTask({
    node: b.node,
    type: 'imgdel',
    // UPID fields are colon-separated: PVE names the volume in the log, not in the id.
    id: String(b.vmid),
    user: ctx.principal.user,
    ...(ctx.principal.tokenid ? { tokenid: ctx.principal.tokenid } : {}),
    log: [`Removed volume '${b.volid}'`],
    onSuccess: () => {
      const i = ctx.state.backups.indexOf(b);
      if (i >= 0) ctx.state.backups.splice(i, 1);
    },
  });
  return r(t.upid);
}

function fillNotes(template: string, g: SimGuest, node: string): string {
  return template.replace(/\{\{(guestname|vmid|node|cluster)\}\}/g, (_, k: string) => (k === 'guestname' ? g.name : k === 'vmid' ? String(g.vmid) : k === 'node' ? node : 'sim'));
}

function vzdump(ctx: HandlerContext): HandlerResult {
  const node = requireNode(ctx);
  if (ctx.params.vmid === undefined) {
    // `all` and `pool` select guests by rules the simulator does not model.
    throw new SimError(400, 'Parameter verification failed.', { vmid: 'the simulator backs up guests named by vmid only' });
  }
  const ids = String(ctx.params.vmid).split(/[,; ]+/).filter(Boolean).map(Number);
  const storageName = ctx.params.storage === undefined ? 'local' : String(ctx.params.storage);
  const storage = storageOf(ctx, node, storageName);
  if (!storage.content.split(',').includes('backup')) throw new SimError(500, `storage '${storageName}' does not support backups (content type 'backup' is not enabled)`);
  if (!ctx.principal.can(`/storage/${storageName}`, 'Datastore.AllocateSpace')) throw new SimError(403, `Permission check failed (/storage/${storageName}, Datastore.AllocateSpace)`);
  const guests = ids.map((vmid) => {
    const g = ctx.state.guests.get(vmid);
    if (!g || g.node !== node) throw new SimError(500, `guest ${vmid} is not on node '${node}'`);
    if (!ctx.principal.can(`/vms/${vmid}`, 'VM.Backup')) throw new SimError(403, `Permission check failed (/vms/${vmid}, VM.Backup)`);
    checkLock(g);
    return g;
  });
  const mode = ctx.params.mode === undefined ? 'snapshot' : String(ctx.params.mode);
  const compress = ctx.params.compress === undefined ? '0' : String(ctx.params.compress);
  const log = [`INFO: starting new backup job: vzdump ${ids.join(' ')} --mode ${mode} --storage ${storageName} --compress ${compress}`];
  for (const g of guests) {
    log.push(`INFO: Starting Backup of VM ${g.vmid} (${g.type})`, `INFO: guest name: ${g.name}`, `INFO: backup mode: ${g.template ? 'stop' : mode}`);
  }
  const first = guests[0];
  for (const g of guests) g.lock = 'backup';
  const t = ctx.state.startTask({
    node,
    type: 'vzdump',
    id: guests.length === 1 ? String(first.vmid) : '',
    user: ctx.principal.user,
    ...(ctx.principal.tokenid ? { tokenid: ctx.principal.tokenid } : {}),
    log,
    onSuccess: () => {
      for (const g of guests) {
        const b = makeBackup(ctx.state, g, {
          storage: storageName,
          node,
          ctime: Math.floor(Date.now() / 1000),
          compress,
          ...(ctx.params['notes-template'] !== undefined ? { notes: fillNotes(String(ctx.params['notes-template']), g, node) } : {}),
          protected: flag(ctx.params.protected),
        });
        ctx.state.backups.push(b);
        // `log` is the task's own log (the task may end before startTask returns).
        log.push(`INFO: creating vzdump archive '/var/lib/vz/dump/${b.volid.slice(b.volid.indexOf('/') + 1)}'`, `INFO: Finished Backup of VM ${g.vmid}`);
      }
      log.push('INFO: Backup job finished successfully');
    },
    onEnd: () => {
      for (const g of guests) if (g.lock === 'backup') delete g.lock;
    },
  });
  return r(t.upid);
}

function macFor(vmid: number): string {
  const h = createHash('sha1').update(`restore-${vmid}-${Date.now()}`).digest();
  return `BC:24:11:${[h[0], h[1], h[2]].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

/** POST /nodes/{node}/qemu with `archive`, /lxc with `restore=1` and `ostemplate`: a new guest from a backup. */
function restore(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const node = requireNode(ctx);
    const vmid = Number(ctx.params.vmid);
    const kind = type === 'qemu' ? 'VM' : 'CT';
    const archive = type === 'qemu' ? ctx.params.archive : flag(ctx.params.restore) ? ctx.params.ostemplate : undefined;
    if (archive === undefined) {
      throw new SimError(501, `Method 'POST /nodes/${node}/${type}' is simulated for restores only (pass ${type === 'qemu' ? 'archive' : 'restore=1 and ostemplate'})`);
    }
    const volid = String(archive);
    const existing = ctx.state.guests.get(vmid);
    const force = flag(ctx.params.force);
    // VM.Allocate for a new guest; replacing one needs VM.Backup on it (the schema's text).
    const priv = existing ? 'VM.Backup' : 'VM.Allocate';
    if (!ctx.principal.can(`/vms/${vmid}`, priv)) throw new SimError(403, `Permission check failed (/vms/${vmid}, ${priv})`);
    const b = volid.startsWith('/')
      ? backupOfArchiveFile(volid, node, vmid, ctx.params.storage !== undefined ? String(ctx.params.storage) : undefined)
      : ctx.state.backups.find((x) => x.volid === volid && (x.node === node || ctx.state.storages.some((s) => s.storage === x.storage && s.node === node && s.shared)));
    if (!b) throw new SimError(500, `unable to restore ${kind} ${vmid} - volume '${volid}' does not exist`);
    if (b.subtype !== type) throw new SimError(500, `unable to restore ${kind} ${vmid} - '${volid}' is a ${b.subtype === 'qemu' ? 'VM' : 'container'} backup`);
    if (b.storage && !ctx.principal.can(`/storage/${b.storage}`, 'Datastore.AllocateSpace') && !ctx.principal.can(`/vms/${b.vmid}`, 'VM.Backup')) {
      throw new SimError(403, `Permission check failed (/storage/${b.storage}, Datastore.AllocateSpace)`);
    }
    if (existing) {
      if (!force) throw new SimError(500, `unable to restore ${kind} ${vmid} - ${kind} ${vmid} already exists on node '${existing.node}'`);
      if (existing.node !== node || existing.type !== type) throw new SimError(500, `unable to restore ${kind} ${vmid} - ${existing.type === 'qemu' ? 'VM' : 'CT'} ${vmid} already exists on node '${existing.node}'`);
      checkLock(existing);
      if (existing.status !== 'stopped') throw new SimError(500, `unable to restore ${kind} ${vmid} - ${kind} is running`);
    }
    const src = b.source;
    const config: Record<string, string | number> = { ...src.config };
    const net0 = String(config.net0 ?? '');
    if (flag(ctx.params.unique) && net0) config.net0 = net0.replace(/([0-9A-F]{2}:){5}[0-9A-F]{2}/i, macFor(vmid));
    config.digest = createHash('sha1').update(`restore-${vmid}-${Date.now()}`).digest('hex');
    const guest: SimGuest = {
      vmid,
      type,
      node,
      name: src.name,
      status: 'stopped',
      template: src.template,
      tags: [...src.tags],
      agent: src.agent,
      maxcpu: src.maxcpu,
      maxmem: src.maxmem,
      maxdisk: src.maxdisk,
      load: 0.2,
      config,
      snapshots: [],
      lock: 'create',
      ...(src.osinfo ? { osinfo: src.osinfo } : {}),
      hostname: src.name.toLowerCase(),
      ...(ctx.params.pool !== undefined ? { pool: String(ctx.params.pool) } : {}),
    };
    const previous = existing;
    ctx.state.addGuest(guest);
    const t = guestTask(ctx, guest, type === 'qemu' ? 'qmrestore' : 'vzrestore', {
      log: [`restore vma archive: ${volid}`, `new ${kind} ${vmid} on node '${node}'`],
      onSuccess: () => {
        delete guest.lock;
      },
    });
    const onEnd = t.onEnd;
    t.onEnd = () => {
      onEnd?.();
      // A failed restore leaves what was there before (nothing, or the guest it was to replace).
      if (!(t.exitstatus === 'OK' || t.exitstatus.startsWith('WARNINGS'))) {
        if (previous) ctx.state.addGuest(previous);
        else ctx.state.guests.delete(vmid);
      }
    };
    return r(t.upid);
  };
}

/** Handlers by `METHOD schema-path`, merged into the server's table. */
export function backupHandlers(): Map<string, Handler> {
  const h = new Map<string, Handler>();
  h.set('GET /nodes/{node}/storage/{storage}/content', listContent);
  h.set('GET /nodes/{node}/storage/{storage}/content/{volume}', volumeInfo);
  h.set('PUT /nodes/{node}/storage/{storage}/content/{volume}', updateVolume);
  h.set('DELETE /nodes/{node}/storage/{storage}/content/{volume}', deleteVolume);
  h.set('POST /nodes/{node}/vzdump', vzdump);
  h.set('POST /nodes/{node}/qemu', restore('qemu'));
  h.set('POST /nodes/{node}/lxc', restore('lxc'));
  return h;
}

