import * as vscode from 'vscode';
import { guestWho as who } from '../../core/explorer';
import { afterAction, guestTarget, mayModify, refOf, type Target } from './guestTarget';
import type { Element, ExplorerProvider } from './provider';
import type { TaskRunner } from './tasks';

/** Create, roll back and delete snapshots; rollback and delete ask first. */
export class SnapshotActions {
  constructor(
    private readonly provider: ExplorerProvider,
    private readonly tasks: TaskRunner,
  ) {}

  async create(el?: Element): Promise<void> {
    const t = await guestTarget(this.provider, el, (g) => !g.template);
    if (!t || !mayModify(this.provider, t, 'Create Snapshot')) return;
    const name = await vscode.window.showInputBox({
      title: `Snapshot ${who(t.guest)}`,
      prompt: 'Snapshot name',
      value: `snap-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}`,
      validateInput: (v) => (/^[A-Za-z][A-Za-z0-9_-]{1,39}$/.test(v) ? undefined : 'Start with a letter; use letters, digits, - and _ (2–40 characters).'),
    });
    if (!name) return;
    let vmstate = false;
    if (t.guest.type === 'qemu' && t.guest.status === 'running') {
      const ram = await vscode.window.showQuickPick(
        [
          { label: 'Without RAM', description: 'disk state only, quick', vmstate: false },
          { label: 'Include RAM', description: 'resume exactly where it was', vmstate: true },
        ],
        { title: `Snapshot ${who(t.guest)}` },
      );
      if (!ram) return;
      vmstate = ram.vmstate;
    }
    const api = await this.provider.api(t.state);
    await this.tasks.run(api, `Snapshotting ${who(t.guest)} as ${name}`, (signal) => api.createSnapshot(refOf(t.guest), name, { vmstate }, { signal }), `Snapshot ${name} of ${who(t.guest)} created.`);
    this.provider.invalidateSnapshots(t.row.id);
    await afterAction(this.provider, t);
  }

  private target(el?: Element): { t: Target; name: string } | undefined {
    const row = el ? this.provider.row(el.id) : undefined;
    if (!row || row.kind !== 'snapshot' || !row.snapshotName || !row.parentId) {
      void vscode.window.showInformationMessage('Choose a snapshot in the Proxmox explorer (expand a guest to see them).');
      return undefined;
    }
    const t = this.provider.guestOf(row.parentId);
    return t ? { t, name: row.snapshotName } : undefined;
  }

  async rollback(el?: Element): Promise<void> {
    const st = this.target(el);
    if (!st || !mayModify(this.provider, st.t, 'Roll Back Snapshot')) return;
    const { t, name } = st;
    const ok = await vscode.window.showWarningMessage(
      `Roll ${who(t.guest)} back to snapshot ${name}?`,
      { modal: true, detail: 'Everything since the snapshot is lost. A running guest is stopped first.' },
      'Roll Back',
    );
    if (ok !== 'Roll Back') return;
    const api = await this.provider.api(t.state);
    await this.tasks.run(api, `Rolling ${who(t.guest)} back to ${name}`, (signal) => api.rollbackSnapshot(refOf(t.guest), name, { signal }), `${who(t.guest)} rolled back to ${name}.`);
    await afterAction(this.provider, t);
  }

  async delete(el?: Element): Promise<void> {
    const st = this.target(el);
    if (!st || !mayModify(this.provider, st.t, 'Delete Snapshot')) return;
    const { t, name } = st;
    const ok = await vscode.window.showWarningMessage(`Delete snapshot ${name} of ${who(t.guest)}?`, { modal: true, detail: 'This cannot be undone.' }, 'Delete Snapshot');
    if (ok !== 'Delete Snapshot') return;
    const api = await this.provider.api(t.state);
    await this.tasks.run(api, `Deleting snapshot ${name} of ${who(t.guest)}`, (signal) => api.deleteSnapshot(refOf(t.guest), name, { signal }), `Snapshot ${name} of ${who(t.guest)} deleted.`);
    this.provider.invalidateSnapshots(t.row.id);
    await afterAction(this.provider, t);
  }
}
