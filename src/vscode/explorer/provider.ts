import * as vscode from 'vscode';
import { backupsRowId, guestRowIdOf, nextTurn, parseFilter, parseRowId, type GuestFilter, type Row, type TreeOptions } from '../../core/explorer';
import type { DeclaredGuest } from '../../core/iac/types';
import type { PveApi } from '../../core/pve/api';
import type { Guest } from '../../core/pve/types';
import type { ClientPool } from '../connections/clients';
import type { ConnectionStore } from '../connections/store';
import { type Config, onConfigChange } from '../util/config';
import { Disposable } from '../util/dispose';
import { Declarations, type DeclaredSource } from './declarations';
import { agentAddresses } from './guestChildren';
import { agentSummaryOf, type AgentReports } from './agentFacts';
import { backupFolderChildren, guestChildRows } from './backups';
import { errorRow, treeItemOf, type Element } from './items';
import { ChangeEvents, type ExplorerStats } from './changeEvents';
import { Elements } from './elements';
import { ensureShown, pagedChildren, showMore } from './paging';
import { rowOf, type RowContext } from './rowLookup';
import { ConnectionSession, type SessionHost } from './session';
import { rowTooltip } from './tooltips';
import { pageSizeOf, readonlyVmidsOf, treeOptionsOf } from './settings';

export type { Element } from './items';
export type { DeclaredSource } from './declarations';
export type { ExplorerStats } from './changeEvents';
/** A connection's state as commands and tests see it. */
export type ConnectionState = ConnectionSession;

/**
 * The explorer's TreeDataProvider: one ConnectionSession per connection does the requests; this class turns
 * their rows into tree items, pages large parents ("Show 1,000 more") and tells VS Code what changed in a
 * few elements, never one per row.
 */
export class ExplorerProvider extends Disposable implements vscode.TreeDataProvider<Element>, SessionHost {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<Element | Element[] | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly _onDidRefresh = this._register(new vscode.EventEmitter<string>());
  /** Fires with the connection id after each refresh attempt (tests wait on it). */
  readonly onDidRefresh = this._onDidRefresh.event;
  private readonly _onDidChangeFilter = this._register(new vscode.EventEmitter<string>());
  /** Fires with the filter's text ('' when cleared), for the view's description. */
  readonly onDidChangeFilter = this._onDidChangeFilter.event;

  private readonly sessions = new Map<string, ConnectionSession>();
  private readonly elements = new Elements();
  private filter: GuestFilter | undefined;
  private readonly declarations: Declarations;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private visible = false;
  readonly stats: ExplorerStats = { refreshes: 0, changeEvents: 0, events: 0, lastChanged: [], lastFired: [] };
  private readonly events = this._register(new ChangeEvents((els) => this._onDidChangeTreeData.fire(els), this.stats));

  constructor(
    private readonly store: ConnectionStore,
    private readonly pool: ClientPool,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
    declaredSource: DeclaredSource,
  ) {
    super();
    this.declarations = new Declarations(declaredSource, (m) => this.log.warn(m));
    this._register(store.onDidChangeList(() => this.onConnectionsChanged()));
    this._register(store.onDidChangeSecret((id) => this.onSecretChanged(id)));
    // Only the connection rows' "active" mark changes.
    this._register(store.onDidChangeActive(() => this.fire(this.store.list().map((c) => this.element(this.session(c.id)!.rootId)))));
    this._register(
      onConfigChange(['explorer.groupBy', 'explorer.sortBy', 'explorer.label', 'explorer.showStorage', 'readonlyVmids'], () => void this.rebuildAll()),
    );
    this._register(onConfigChange(['explorer.refreshInterval'], () => this.schedule()));
    this._register(
      onConfigChange(['explorer.pageSize'], () => {
        // A new page size starts every parent over at one page (and decides again what opens by default).
        this.sessions.forEach((s) => s.shown.clear());
        void this.rebuildAll();
        this._onDidChangeTreeData.fire(undefined);
      }),
    );
    this._register({ dispose: () => this.sessions.forEach((s) => s.dispose()) });
  }

  // ---- options -------------------------------------------------------------------------------------

  options(): TreeOptions {
    return treeOptionsOf(this.config);
  }

  /** How many children a parent shows before a "Show more" row. */
  pageSize(): number {
    return pageSizeOf(this.config);
  }

  readonlyVmids(): number[] {
    return readonlyVmidsOf(this.config);
  }

  get filterText(): string {
    return this.filter?.text ?? '';
  }

  setFilter(text: string): void {
    const f = parseFilter(text);
    this.filter = f.terms.length ? f : undefined;
    void vscode.commands.executeCommand('setContext', 'proxmoxIac.explorer.filtered', this.filter !== undefined);
    this._onDidChangeFilter.fire(this.filterText);
    void this.rebuildAll();
  }

  // ---- TreeDataProvider -------------------------------------------------------------------------------

  /** The one element object for a row id (VS Code matches change events by identity). */
  element(id: string): Element {
    return this.elements.of(id);
  }

  /** The session of a connection in the list (made on first sight). */
  private session(connectionId: string): ConnectionSession | undefined {
    const c = this.store.list().find((x) => x.id === connectionId);
    if (!c) return this.sessions.get(connectionId);
    let s = this.sessions.get(c.id);
    if (!s) {
      s = new ConnectionSession(c, this);
      this.sessions.set(c.id, s);
    }
    s.settings = c;
    return s;
  }

  async getChildren(el?: Element): Promise<Element[]> {
    if (!el) {
      const list = this.store.list();
      void vscode.commands.executeCommand('setContext', 'proxmoxIac.hasConnections', list.length > 0);
      return list.map((c) => this.element(this.session(c.id)!.rootId));
    }
    const s = this.stateOf(el.id);
    if (!s) return [];
    if (el.id === s.rootId) {
      s.opened = true;
      if (!s.subtree && !s.error) await this.refreshConnection(s, true);
      if (this.visible) s.schedule(this.intervalMs());
      const error = errorRow(s);
      return [...(error ? [this.element(error.id)] : []), ...pagedChildren(s, s.rootId, this.pageSize()).map((id) => this.element(id))];
    }
    const row = this.row(el.id);
    if (row?.kind === 'guest' && row.guestId) return (await guestChildRows(s, row, () => this.api(s))).map((r) => this.element(r.id));
    if (row?.kind === 'backups') return (await backupFolderChildren(s, el.id, () => this.api(s))).map((r) => this.element(r.id));
    // VS Code asks for the children of all refreshed parents in one go and builds their items without a pause
    // in between; a turn of the event loop here makes that one block per parent.
    await nextTurn();
    return pagedChildren(s, el.id, this.pageSize()).map((id) => this.element(id));
  }

  getParent(el: Element): Element | undefined {
    const s = this.stateOf(el.id);
    if (!s || el.id === s.rootId) return undefined;
    const row = this.row(el.id);
    if (!row) return undefined;
    return this.element(row.parentId ?? s.rootId);
  }

  getTreeItem(el: Element): vscode.TreeItem {
    const row = this.row(el.id);
    return row ? treeItemOf(row, el) : new vscode.TreeItem('(gone)');
  }

  /** Tooltips are built on hover, so a changing uptime never re-renders a row. */
  async resolveTreeItem(item: vscode.TreeItem, el: Element, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    item.tooltip ??= await rowTooltip(this, el, token);
    return item;
  }

  // ---- paging ---------------------------------------------------------------------------------------

  /** "Show more" on a paged parent: one more page, and VS Code re-reads that parent only. */
  showMore(moreId: string): void {
    const s = this.stateOf(moreId);
    const parent = s && showMore(s, moreId, this.pageSize());
    if (parent) this.fire([this.element(parent)]);
  }

  /** Brings a row into its parents' pages (before reveal: VS Code reveals only rows their parent lists). */
  ensureShown(rowId: string): void {
    const s = this.stateOf(rowId);
    if (s) this.fire(ensureShown(s, rowId, this.pageSize()).map((id) => this.element(id)));
  }

  // ---- lookups for commands and tests ------------------------------------------------------------

  stateOf(rowId: string): ConnectionSession | undefined {
    const ref = parseRowId(rowId);
    return ref ? this.sessions.get(ref.connectionId) : undefined;
  }

  private readonly rowContext: RowContext = {
    activeId: () => this.store.active()?.id,
    filter: () => this.filter,
    pageSize: () => this.pageSize(),
  };

  row(id: string): Row | undefined {
    const ref = parseRowId(id);
    const s = ref && this.sessions.get(ref.connectionId);
    return s && rowOf(s, id, this.rowContext);
  }

  guestOf(rowId: string): { state: ConnectionSession; guest: Guest; row: Row } | undefined {
    const s = this.stateOf(rowId);
    const row = this.row(rowId);
    const guest = s && row?.guestId ? s.subtree?.guests.get(row.guestId) : undefined;
    return s && row && guest ? { state: s, guest, row } : undefined;
  }

  /** Declarations for a guest, from the last correlation. */
  declarationsOf(s: ConnectionSession, guest: Guest): readonly DeclaredGuest[] {
    return s.subtree?.correlation?.declaredBy.get(guest.id) ?? [];
  }

  readonlySourceOf(s: ConnectionSession, guest: Guest): string | undefined {
    const flagged = this.declarationsOf(s, guest).find((d) => d.readonly);
    if (flagged) return flagged.readonlySource ?? flagged.file;
    return this.readonlyVmids().includes(guest.vmid) ? 'the setting proxmoxIac.readonlyVmids' : undefined;
  }

  /** Every connection's state, for tests and the status bar. */
  connectionStates(): ConnectionSession[] {
    return this.store.list().map((c) => this.session(c.id)!);
  }

  // ---- snapshots and agent --------------------------------------------------------------------------

  /** Forgets a guest's snapshot list and re-reads it (after a snapshot action); `rowId` is any row of that guest. */
  invalidateSnapshots(rowId: string): void {
    this.forgetChildren(rowId, (s, guestRowId) => s.snapshots.delete(guestRowId), (guestRowId) => guestRowId);
  }

  /** Forgets a guest's backup list and re-reads it (after a backup action); `rowId` is any row of that guest. */
  invalidateBackups(rowId: string): void {
    this.forgetChildren(rowId, (s, guestRowId) => s.backups.delete(guestRowId), backupsRowId);
  }

  /** Drops one cached child list of a guest, and VS Code reads again the row that lists it. */
  private forgetChildren(rowId: string, drop: (s: ConnectionSession, guestRowId: string) => void, listedBy: (guestRowId: string) => string): void {
    const s = this.stateOf(rowId);
    if (!s) return;
    const guestRowId = guestRowIdOf(rowId);
    drop(s, guestRowId);
    const el = this.elements.known(listedBy(guestRowId));
    if (el) this.fire([el]);
  }

  agentAddresses(s: ConnectionSession, guest: Guest, token?: vscode.CancellationToken, timeoutMs = 8000): Promise<string[] | undefined> {
    return agentAddresses(s, guest, () => this.api(s), this.log, token, timeoutMs);
  }

  /** The guest-agent board's results, which the guest tooltips show (set once the board is registered). */
  agentReports: AgentReports | undefined;

  agentSummary(s: ConnectionSession, guest: Guest, token: vscode.CancellationToken, timeoutMs = 2000): ReturnType<typeof agentSummaryOf> {
    return agentSummaryOf(s, guest, this.agentReports, () => this.api(s), this.log, token, timeoutMs);
  }

  // ---- refreshing (SessionHost) -------------------------------------------------------------------------

  api(s: ConnectionSession | ConnectionSession['settings']): Promise<PveApi> {
    return this.pool.get(s instanceof ConnectionSession ? s.settings : s);
  }

  private fire(els: Element[]): void {
    this.events.fire(els);
  }

  declaredGuests(): Promise<readonly DeclaredGuest[] | undefined> {
    return this.declarations.get();
  }

  /** The workspace's IaC files changed: correlate again (no new request to the cluster). */
  invalidateDeclarations(): void {
    this.declarations.invalidate();
    void this.rebuildAll();
  }

  /** One `/cluster/resources` request, then VS Code is told about the changed rows in a few elements. */
  refreshConnection(s: ConnectionSession, silent = false): Promise<void> {
    return s.refresh(silent);
  }

  async applySnapshot(s: ConnectionSession, declared: readonly DeclaredGuest[] | undefined, silent: boolean, recovered: boolean): Promise<void> {
    await this.apply(s, declared, silent);
    if (recovered) this.fire([this.element(s.rootId)]);
  }

  showError(s: ConnectionSession, changed: boolean, silent: boolean): void {
    if (changed && !silent) this.fire([this.element(s.rootId)]);
  }

  refreshed(s: ConnectionSession): void {
    this.stats.refreshes++;
    this._onDidRefresh.fire(s.settings.id);
  }

  warn(message: string): void {
    this.log.warn(message);
  }

  /** Builds the subtree from the last snapshot and names what differs in one change event. */
  private async apply(s: ConnectionSession, declared: readonly DeclaredGuest[] | undefined, silent: boolean): Promise<void> {
    const r = await s.rebuild({ options: this.options(), filter: this.filter, declared, readonlyVmids: this.readonlyVmids() });
    if (!r) return;
    this.elements.forget(r.gone);
    this.stats.lastChanged = r.changed;
    this.stats.lastFired = silent ? [] : r.fired;
    if (!silent) this.fire(r.fired.map((id) => this.element(id)));
  }

  /** Grouping, filter, read-only list or declarations changed: rebuild every loaded connection. */
  rebuildAll(): Promise<void> {
    const loaded = [...this.sessions.values()].filter((s) => s.snapshot);
    if (loaded.length === 0) return Promise.resolve();
    this.events.hold();
    const now = this.declarations.now();
    const declared = now ? Promise.resolve(now.value) : this.declaredGuests();
    return Promise.all(loaded.map((s) => declared.then((d) => this.apply(s, d, false))))
      .then(() => undefined, (err: unknown) => this.log.error(`Rebuilding the explorer failed: ${String(err)}`))
      .finally(() => this.events.release());
  }

  /** Refresh on demand: debounced, so a burst of requests (several actions ending) costs one round. */
  requestRefresh(delayMs = 150): Promise<void> {
    return new Promise((resolve) => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = undefined;
        void this.refreshAll().then(resolve);
      }, delayMs);
    });
  }

  async refreshAll(clearCaches = false): Promise<void> {
    const opened = [...this.sessions.values()].filter((s) => s.opened);
    if (clearCaches) {
      this.declarations.invalidate();
      for (const s of opened) s.clearCaches();
    }
    // One change event for the whole round (see changeEvents.ts).
    this.events.hold();
    try {
      await Promise.all(opened.map((s) => s.refresh()));
    } finally {
      this.events.release();
    }
    this.schedule();
  }

  /** Polls only while the view is visible. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.refreshAll();
    else this.schedule(); // pace 0: stops the timers, and a refresh still on its way does not re-arm one
  }

  private intervalMs(): number {
    return this.config.get<number>('explorer.refreshInterval', 5) * 1000;
  }

  /** Each opened connection keeps its own poll pace, while the view is visible. */
  private schedule(): void {
    const interval = this.visible && !this.isDisposed ? this.intervalMs() : 0;
    for (const s of this.sessions.values()) s.schedule(interval);
  }

  /** The setting changed: drop removed connections and start over for the ones whose settings changed. */
  private onConnectionsChanged(): void {
    const current = new Map(this.store.list().map((c) => [c.id, c]));
    for (const [id, s] of this.sessions) {
      const now = current.get(id);
      if (!now) {
        s.dispose();
        this.sessions.delete(id);
        this.elements.forget([s.rootId]);
        this.elements.forgetBelow(s.rootId);
      } else if (JSON.stringify(now) !== JSON.stringify(s.settings)) {
        s.reset();
        this.elements.forgetBelow(s.rootId);
        s.settings = now;
      }
    }
    this._onDidChangeTreeData.fire(undefined);
  }

  /** A new secret (re-entered token): reconnect that connection only. */
  private onSecretChanged(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    s.reset();
    this.elements.forgetBelow(s.rootId);
    const el = this.elements.known(s.rootId);
    if (el) this.fire([el]);
  }
}
