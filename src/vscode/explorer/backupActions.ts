import * as vscode from 'vscode';
import { backupDate } from '../../core/explorer/backupRows';
import { guestWho as who, readonlyMessage } from '../../core/explorer';
import { nextFreeVmid, VMID_MAX, VMID_MIN } from '../../core/iac/freeVmid';
import { backupApiOf, backupGuest, deleteBackup, notesTemplateFor, restoreBackup, updateBackup, type Backup, type BackupCompression, type BackupMode } from '../../core/pve/backups';
import { formatBytes } from '../../core/explorer/format';
import { parseVmidRanges } from '../diagnostics/options';
import type { Config } from '../util/config';
import { backupOf, backupStorages } from './backups';
import type { Element, ExplorerProvider } from './provider';
import type { TaskRunner } from './tasks';
import { showErrorWithFix } from '../errors/showError';

type Target = NonNullable<ReturnType<ExplorerProvider['guestOf']>>;

const MODES: readonly { mode: BackupMode; label: string; description: string }[] = [
  { mode: 'snapshot', label: 'Snapshot', description: 'no downtime; the guest keeps running' },
  { mode: 'suspend', label: 'Suspend', description: 'pauses the guest briefly for a consistent copy' },
  { mode: 'stop', label: 'Stop', description: 'shuts the guest down for the backup and starts it again' },
];

const COMPRESSIONS: readonly { compress: BackupCompression; label: string; description: string }[] = [
  { compress: 'zstd', label: 'ZSTD', description: 'fast and small (recommended)' },
  { compress: 'gzip', label: 'GZIP', description: 'widely readable, slower' },
  { compress: 'lzo', label: 'LZO', description: 'fastest, larger' },
  { compress: '0', label: 'None', description: 'no compression' },
];

/** Back Up Now, Restore to New VMID and Delete Backup: each confirmed as needed and run as a followed task. */
export class BackupActions {
  constructor(
    private readonly provider: ExplorerProvider,
    private readonly tasks: TaskRunner,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  register(): vscode.Disposable[] {
    const cmd = (id: string, fn: (el?: Element) => unknown): vscode.Disposable =>
      vscode.commands.registerCommand(id, async (el?: Element) => {
        try {
          await fn(el);
        } catch (err) {
          void showErrorWithFix(this.log, undefined, err, { commandArg: el, logAs: `${id} failed` });
        }
      });
    return [
      cmd('proxmoxIac.guest.backupNow', (el) => this.backUpNow(el)),
      cmd('proxmoxIac.backup.restore', (el) => this.restore(el)),
      cmd('proxmoxIac.backup.delete', (el) => this.delete(el)),
    ];
  }

  private trusted(action: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(`"${action}" is not available in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to act on the cluster.`);
    return false;
  }

  /** The guest of a guest row or a "Backups" folder, or (from the command palette) one the user picks. */
  private async guestTarget(el?: Element): Promise<Target | undefined> {
    if (el) {
      const row = this.provider.row(el.id);
      const t = this.provider.guestOf(row?.kind === 'backups' && row.parentId ? row.parentId : el.id);
      if (!t) void vscode.window.showWarningMessage('That row is no longer in the explorer. Refresh and try again.');
      return t;
    }
    const items: (vscode.QuickPickItem & { id: string })[] = [];
    for (const s of this.provider.connectionStates()) {
      for (const [id, row] of s.subtree?.rows ?? []) {
        const g = row.kind === 'guest' && row.guestId ? s.subtree!.guests.get(row.guestId) : undefined;
        if (g && !items.some((i) => this.provider.guestOf(i.id)?.guest.id === g.id && this.provider.stateOf(i.id) === s)) {
          items.push({ id, label: g.name || String(g.vmid), description: `${g.vmid} · ${g.node} · ${g.template ? 'template' : g.status}`, detail: s.settings.name });
        }
      }
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage('No guest to back up: open the Proxmox explorer and connect to a cluster first.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'Back Up Now', placeHolder: 'Choose a guest to back up', matchOnDescription: true });
    return picked ? this.provider.guestOf(picked.id) : undefined;
  }

  private backupTarget(el?: Element): { t: Target; backup: Backup } | undefined {
    const s = el ? this.provider.stateOf(el.id) : undefined;
    const found = s && el ? backupOf(s, el.id) : undefined;
    const t = found ? this.provider.guestOf(found.guestRowId) : undefined;
    if (!found || !t) {
      void vscode.window.showInformationMessage('Choose a backup in the Proxmox explorer (expand a guest, then its Backups folder).');
      return undefined;
    }
    return { t, backup: found.backup };
  }

  private async after(t: Target): Promise<void> {
    this.provider.invalidateBackups(t.row.id);
    await this.provider.requestRefresh(0);
  }

  // ---- Back Up Now -----------------------------------------------------------------------------------

  async backUpNow(el?: Element): Promise<void> {
    const t = await this.guestTarget(el);
    if (!t || !this.trusted('Back Up Now')) return;
    const title = `Back Up ${who(t.guest)}`;
    const readonlySource = this.provider.readonlySourceOf(t.state, t.guest);
    let mode: BackupMode = 'snapshot';
    if (t.guest.template) {
      // vzdump always copies a template as if stopped: there is nothing to choose.
      mode = 'stop';
    } else {
      // A read-only guest may be copied, never paused or shut down for it.
      const offered = readonlySource ? MODES.filter((m) => m.mode === 'snapshot') : MODES;
      const picked = await vscode.window.showQuickPick(
        offered.map((m) => ({ label: m.label, description: m.description, mode: m.mode })),
        { title, placeHolder: readonlySource ? `Backup mode (${who(t.guest)} is read-only, so only snapshot mode, which never stops it)` : 'Backup mode' },
      );
      if (!picked) return;
      mode = picked.mode;
    }
    const compression = await vscode.window.showQuickPick(
      COMPRESSIONS.map((c) => ({ label: c.label, description: c.description, compress: c.compress })),
      { title, placeHolder: 'Compression' },
    );
    if (!compression) return;
    const storages = backupStorages(t.state, t.guest.node);
    if (storages.length === 0) {
      void vscode.window.showWarningMessage(
        `No storage on node ${t.guest.node} holds backups. Enable the content type "VZDump backup file" on a storage (Datacenter → Storage → Edit → Content), refresh the explorer and try again.`,
      );
      return;
    }
    const stats = t.state.snapshot?.storages ?? [];
    const storage = await vscode.window.showQuickPick(
      storages.map((name) => {
        const st = stats.find((x) => x.node === t.guest.node && x.storage === name);
        return { label: name, description: st && st.maxdisk > 0 ? `${formatBytes(st.maxdisk - st.disk)} free of ${formatBytes(st.maxdisk)}` : undefined };
      }),
      { title, placeHolder: `Backup storage on ${t.guest.node}` },
    );
    if (!storage) return;
    const notes = await vscode.window.showInputBox({
      title,
      prompt: `Notes for the backup; Proxmox fills in {{guestname}}, {{vmid}} and {{node}}. " (${mode} mode)" is added so the explorer can show the mode.`,
      value: '{{guestname}}',
      validateInput: (v) => (v.length > 900 ? 'Keep the notes under 900 characters.' : undefined),
    });
    if (notes === undefined) return;
    const api = await this.provider.api(t.state);
    const client = backupApiOf(api);
    await this.tasks.run(
      api,
      `Backing up ${who(t.guest)} to ${storage.label} (${mode} mode)`,
      (signal) => backupGuest(client, t.guest, { storage: storage.label, mode, compress: compression.compress, notesTemplate: notesTemplateFor(mode, notes || '{{guestname}}') }, { signal }),
      `Backup of ${who(t.guest)} saved to ${storage.label}.`,
    );
    await this.after(t);
  }

  // ---- Restore to New VMID --------------------------------------------------------------------------

  /** Read-only VMIDs: the setting and what the IaC files declare read-only (via the tree's correlation). */
  private readonlyReasonFor(t: Target, vmid: number): string | undefined {
    const live = [...(t.state.subtree?.guests.values() ?? [])].find((g) => g.vmid === vmid);
    if (live) {
      const source = this.provider.readonlySourceOf(t.state, live);
      if (source) return source;
    }
    if (this.provider.readonlyVmids().includes(vmid)) return 'the setting proxmoxIac.readonlyVmids';
    return undefined;
  }

  async restore(el?: Element): Promise<void> {
    const bt = this.backupTarget(el);
    if (!bt || !this.trusted('Restore to New VMID')) return;
    const { t, backup } = bt;
    const type = backup.type ?? t.guest.type;
    const title = `Restore the backup of ${who(t.guest)} from ${backupDate(backup.ctime)}`;
    const guests = [...(t.state.subtree?.guests.values() ?? [])];
    const used = new Set(guests.map((g) => g.vmid));
    for (const v of this.provider.readonlyVmids()) used.add(v);
    const ranges = parseVmidRanges(this.config.get<unknown[]>('validation.vmidRanges', []));
    const api = await this.provider.api(t.state);
    const suggested = nextFreeVmid(used, ranges) ?? (await api.nextId());
    const vmidText = await vscode.window.showInputBox({
      title,
      prompt: `VMID of the restored guest (the next free one${ranges.length ? ' in proxmoxIac.validation.vmidRanges' : ''} is suggested)`,
      value: String(suggested),
      validateInput: (v) => {
        if (!/^\d+$/.test(v) || Number(v) < VMID_MIN || Number(v) > VMID_MAX) return `Enter a number from ${VMID_MIN} to ${VMID_MAX}.`;
        const ro = this.readonlyReasonFor(t, Number(v));
        if (ro) return `VMID ${v} is read-only (set in ${ro}); restore to another VMID.`;
        return undefined;
      },
    });
    if (!vmidText) return;
    const vmid = Number(vmidText);
    // The box refuses read-only VMIDs; a command run with arguments does not pass through it.
    const ro = this.readonlyReasonFor(t, vmid);
    if (ro) {
      void vscode.window.showWarningMessage(`VMID ${vmid} is read-only (set in ${ro}), so the restore was not run. Choose another VMID.`);
      return;
    }
    const existing = guests.find((g) => g.vmid === vmid);
    if (existing) {
      if (existing.status !== 'stopped') {
        void vscode.window.showWarningMessage(`VMID ${vmid} is ${who(existing)}, which is ${existing.status}. Restore to a free VMID, or stop that guest first if you mean to replace it.`);
        return;
      }
      const ok = await vscode.window.showWarningMessage(
        `VMID ${vmid} is ${who(existing)} on ${existing.node}. Replace it with this backup?`,
        { modal: true, detail: `Restoring onto an existing guest destroys ${who(existing)} and its disks and puts the backup in its place. This cannot be undone.` },
        'Replace…',
      );
      if (ok !== 'Replace…') return;
      const typed = await vscode.window.showInputBox({
        title,
        prompt: `Type ${vmid} to confirm replacing ${who(existing)} with the backup`,
        validateInput: (v) => (v === '' || v === String(vmid) ? undefined : `Type exactly ${vmid}.`),
      });
      if (typed !== String(vmid)) return;
    }
    const outcome = await this.tasks.run(
      api,
      `Restoring ${who(t.guest)} from ${backupDate(backup.ctime)} to VMID ${vmid}`,
      (signal) => restoreBackup(backupApiOf(api), { node: backup.node, type, vmid, volid: backup.volid, unique: true, ...(existing ? { overwrite: true } : {}) }, { signal }),
      `Restored the backup of ${who(t.guest)} as VMID ${vmid} on ${backup.node}.`,
    );
    if (outcome.result?.ok) this.log.info(`Restored ${backup.volid} to VMID ${vmid}`);
    await this.after(t);
  }

  // ---- Delete Backup --------------------------------------------------------------------------------

  async delete(el?: Element): Promise<void> {
    const bt = this.backupTarget(el);
    if (!bt || !this.trusted('Delete Backup')) return;
    const { t, backup } = bt;
    const what = `the backup of ${who(t.guest)} from ${backupDate(backup.ctime)}`;
    const readonlySource = this.provider.readonlySourceOf(t.state, t.guest);
    if (readonlySource) {
      void vscode.window.showWarningMessage(readonlyMessage(t.guest, 'Delete Backup', { source: readonlySource }));
      return;
    }
    if (backup.protected) {
      const unprotect = 'Remove Protection';
      const choice = await vscode.window.showWarningMessage(
        `${what[0].toUpperCase()}${what.slice(1)} is protected, so Proxmox refuses to delete it. Remove the protection first if you really mean to delete it.`,
        unprotect,
      );
      if (choice === unprotect) {
        await updateBackup(backupApiOf(await this.provider.api(t.state)), backup.node, backup.volid, { protected: false });
        void vscode.window.showInformationMessage(`Removed the protection from ${what}. It can now be deleted.`);
        this.provider.invalidateBackups(t.row.id);
      }
      return;
    }
    const ok = await vscode.window.showWarningMessage(
      `Delete ${what}?`,
      { modal: true, detail: `${backup.volid} (${formatBytes(backup.size)}) is removed from ${backup.storage} on ${backup.node}. It cannot be undone.` },
      'Delete…',
    );
    if (ok !== 'Delete…') return;
    const typed = await vscode.window.showInputBox({
      title: `Delete ${what}`,
      prompt: `Type ${t.guest.vmid} to confirm deleting ${what}`,
      validateInput: (v) => (v === '' || v === String(t.guest.vmid) ? undefined : `Type exactly ${t.guest.vmid}.`),
    });
    if (typed !== String(t.guest.vmid)) return;
    const api = await this.provider.api(t.state);
    await this.tasks.run(api, `Deleting ${what}`, (signal) => deleteBackup(backupApiOf(api), backup.node, backup.volid, { signal }), `Deleted ${what}.`);
    await this.after(t);
  }
}
