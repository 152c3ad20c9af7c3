import * as vscode from 'vscode';
import {
  buildSubTree,
  changedRows,
  describeTreeError,
  guestTooltip,
  makeRow,
  nextPollDelay,
  parseFilter,
  type GroupBy,
  type GuestFilter,
  type Row,
  type SortBy,
  type SubTree,
  type TreeError,
  type TreeOptions,
} from '../../core/explorer';
import type { DeclaredGuest } from '../../core/iac/types';
import type { PveApi } from '../../core/pve/api';
import type { ClusterSnapshot, Guest } from '../../core/pve/types';
import type { ClientPool } from '../connections/clients';
import type { ConnectionSettings, ConnectionStore } from '../connections/store';
import { type Config, onConfigChange } from '../util/config';
import { Disposable } from '../util/dispose';
import { errorMessage } from '../util/log';

/** What VS Code holds for a row: one stable object per row id, so selection and expansion survive refreshes. */
export interface Element {
  readonly id: string;
}

const ROOT_PREFIX = 'conn:';

export function rootIdOf(connectionId: string): string {
  return `${ROOT_PREFIX}${encodeURIComponent(connectionId)}`;
}

function connectionIdOf(rowId: string): string | undefined {
  if (!rowId.startsWith(ROOT_PREFIX)) return undefined;
  const slash = rowId.indexOf('/');
  return decodeURIComponent(rowId.slice(ROOT_PREFIX.length, slash < 0 ? undefined : slash));
}

interface ConnectionState {
  settings: ConnectionSettings;
  readonly rootId: string;
  snapshot?: ClusterSnapshot;
  subtree?: SubTree;
  error?: TreeError;
  rawError?: unknown;
  refreshing?: Promise<void>;
  /** Set when a refresh is asked for while one runs: one more follows, never two in parallel. */
  again?: boolean;
  failures: number;
  lastDurationMs: number;
  /** When the last refresh ended (ms since epoch), for the per-connection poll pace. */
  lastRefreshAt?: number;
  /** The tree has asked for this connection's children: it is shown, so it is polled. */
  opened: boolean;
  /** Snapshot rows per guest row id, fetched when the guest is expanded. */
  readonly snapshots: Map<string, Row[]>;
  /** Agent addresses per guest id, with when they were read. */
  readonly ips: Map<string, { at: number; ips: string[] }>;
}

/** A source of declared guests (the IaC language service), or undefined when unavailable. */
export type DeclaredSource = () => Promise<readonly DeclaredGuest[] | undefined>;

/** Counters a test or benchmark reads to check "one request per refresh" and "only changed rows". */
export interface ExplorerStats {
  refreshes: number;
  changeEvents: number;
  lastChanged: string[];
}

export class ExplorerProvider extends Disposable implements vscode.TreeDataProvider<Element> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<Element | Element[] | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly _onDidRefresh = this._register(new vscode.EventEmitter<string>());
  /** Fires with the connection id after each refresh attempt (tests wait on it). */
  readonly onDidRefresh = this._onDidRefresh.event;

  private readonly states = new Map<string, ConnectionState>();
  private readonly elements = new Map<string, Element>();
  private filter: GuestFilter | undefined;
  private declared: Promise<readonly DeclaredGuest[] | undefined> | undefined;
  /** The settled value of `declared`, so a rebuild (filter, grouping) can run synchronously. */
  private declaredNow: { readonly value: readonly DeclaredGuest[] | undefined } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private visible = false;
  readonly stats: ExplorerStats = { refreshes: 0, changeEvents: 0, lastChanged: [] };

  constructor(
    private readonly store: ConnectionStore,
    private readonly pool: ClientPool,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
    private readonly declaredSource: DeclaredSource,
  ) {
    super();
    this._register(store.onDidChangeList(() => this.onConnectionsChanged()));
    this._register(store.onDidChangeSecret((id) => this.onSecretChanged(id)));
    // Only the connection rows' "active" mark changes.
    this._register(store.onDidChangeActive(() => this.fire(this.store.list().map((c) => this.element(this.state(c).rootId)))));
    this._register(
      onConfigChange(['explorer.groupBy', 'explorer.sortBy', 'explorer.label', 'explorer.showStorage', 'readonlyVmids'], () => this.rebuildAll()),
    );
    this._register(onConfigChange(['explorer.refreshInterval'], () => this.schedule()));
    this._register({ dispose: () => this.stopTimers() });
  }

  // ---- options -------------------------------------------------------------------------------------

  options(): TreeOptions {
    const groupBy = this.config.get<string>('explorer.groupBy', 'node');
    const sortBy = this.config.get<string>('explorer.sortBy', 'vmid');
    const label = this.config.get<string>('explorer.label', 'name');
    return {
      groupBy: (['node', 'tag', 'pool', 'type'].includes(groupBy) ? groupBy : 'node') as GroupBy,
      sortBy: (['vmid', 'name', 'status'].includes(sortBy) ? sortBy : 'vmid') as SortBy,
      label: (label === 'vmid-name' ? 'vmid-name' : 'name'),
      showStorage: this.config.get<boolean>('explorer.showStorage', true),
    };
  }

  readonlyVmids(): number[] {
    return this.config.get<unknown[]>('readonlyVmids', []).filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
  }

  get filterText(): string {
    return this.filter?.text ?? '';
  }

  setFilter(text: string): void {
    const f = parseFilter(text);
    this.filter = f.terms.length ? f : undefined;
    void vscode.commands.executeCommand('setContext', 'proxmoxIac.explorer.filtered', this.filter !== undefined);
    this.rebuildAll();
  }

  // ---- TreeDataProvider -------------------------------------------------------------------------------

  /** The one element object for a row id (VS Code matches change events by identity). */
  element(id: string): Element {
    let e = this.elements.get(id);
    if (!e) {
      e = { id };
      this.elements.set(id, e);
    }
    return e;
  }

  private state(c: ConnectionSettings): ConnectionState {
    let s = this.states.get(c.id);
    if (!s) {
      s = { settings: c, rootId: rootIdOf(c.id), failures: 0, lastDurationMs: 0, opened: false, snapshots: new Map(), ips: new Map() };
      this.states.set(c.id, s);
    }
    s.settings = c;
    return s;
  }

  async getChildren(el?: Element): Promise<Element[]> {
    if (!el) {
      const list = this.store.list();
      void vscode.commands.executeCommand('setContext', 'proxmoxIac.hasConnections', list.length > 0);
      return list.map((c) => this.element(this.state(c).rootId));
    }
    const s = this.stateOf(el.id);
    if (!s) return [];
    if (el.id === s.rootId) {
      s.opened = true;
      if (!s.subtree && !s.error) await this.refreshConnection(s, true);
      this.schedule();
      const ids = [...(s.error ? [`${s.rootId}/error`] : []), ...(s.subtree?.children.get(s.rootId) ?? [])];
      return ids.map((id) => this.element(id));
    }
    const row = this.row(el.id);
    if (row?.kind === 'guest' && row.guestId) return (await this.snapshotRows(s, row)).map((r) => this.element(r.id));
    return (s.subtree?.children.get(el.id) ?? []).map((id) => this.element(id));
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
    if (!row) return new vscode.TreeItem('(gone)');
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
    if (row.tooltip) item.tooltip = row.tooltip;
    if (row.action) item.command = { command: row.action.command, title: row.action.title, arguments: [el] };
    if (row.kind === 'iac-missing') item.command = { command: 'proxmoxIac.guest.revealInIac', title: 'Reveal in IaC File', arguments: [el] };
    if (row.kind === 'iac-unmanaged') item.command = { command: 'proxmoxIac.explorer.revealGuest', title: 'Show in Tree', arguments: [el] };
    return item;
  }

  /** Tooltips are built on hover, so a changing uptime never re-renders a row. */
  async resolveTreeItem(item: vscode.TreeItem, el: Element, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    const s = this.stateOf(el.id);
    const row = this.row(el.id);
    const guest = s && row?.guestId ? s.subtree?.guests.get(row.guestId) : undefined;
    if (!s || !guest) return item;
    const ips = await this.agentAddresses(s, guest, token, 2000).catch(() => undefined);
    const declarations = s.subtree?.correlation ? (s.subtree.correlation.declaredBy.get(guest.id) ?? []) : undefined;
    const ro = /\breadonly\b/.test(row!.contextValue) ? this.readonlySourceOf(s, guest) : undefined;
    const md = new vscode.MarkdownString(guestTooltip(guest, { declarations, readonlySource: ro, ips }));
    item.tooltip = md;
    return item;
  }

  // ---- lookups for commands and tests ------------------------------------------------------------

  stateOf(rowId: string): ConnectionState | undefined {
    const id = connectionIdOf(rowId);
    return id === undefined ? undefined : this.states.get(id);
  }

  row(id: string): Row | undefined {
    const s = this.stateOf(id);
    if (!s) return undefined;
    if (id === s.rootId) return this.connectionRow(s);
    if (id === `${s.rootId}/error` && s.error) {
      return makeRow({
        id,
        kind: 'message',
        parentId: undefined,
        label: s.error.label,
        description: s.subtree ? 'showing the last known state' : undefined,
        icon: { id: s.error.kind === 'certificate-changed' ? 'shield' : s.error.kind === 'offline' ? 'debug-disconnect' : 'error', color: 'errorForeground' },
        contextValue: `message error ${s.error.kind}`,
        collapsible: 'none',
        tooltip: s.error.detail,
        ...(s.error.action ? { action: s.error.action } : {}),
      });
    }
    const row = s.subtree?.rows.get(id);
    if (row) return row;
    const slash = id.lastIndexOf('/snapshot/');
    if (slash > 0) return s.snapshots.get(id.slice(0, slash))?.find((r) => r.id === id);
    return undefined;
  }

  guestOf(rowId: string): { state: ConnectionState; guest: Guest; row: Row } | undefined {
    const s = this.stateOf(rowId);
    const row = this.row(rowId);
    const guest = s && row?.guestId ? s.subtree?.guests.get(row.guestId) : undefined;
    return s && row && guest ? { state: s, guest, row } : undefined;
  }

  /** Declarations for a guest, from the last correlation. */
  declarationsOf(s: ConnectionState, guest: Guest): readonly DeclaredGuest[] {
    return s.subtree?.correlation?.declaredBy.get(guest.id) ?? [];
  }

  readonlySourceOf(s: ConnectionState, guest: Guest): string | undefined {
    const flagged = this.declarationsOf(s, guest).find((d) => d.readonly);
    if (flagged) return flagged.readonlySource ?? flagged.file;
    return this.readonlyVmids().includes(guest.vmid) ? 'the setting proxmoxIac.readonlyVmids' : undefined;
  }

  /** Every connection's state, for tests and the status bar. */
  connectionStates(): ConnectionState[] {
    return this.store.list().map((c) => this.state(c));
  }

  private connectionRow(s: ConnectionState): Row {
    const active = this.store.active()?.id === s.settings.id;
    let host = s.settings.url;
    try {
      host = new URL(s.settings.url).host;
    } catch {
      // keep the raw text
    }
    const parts = [host];
    if (active) parts.push('active');
    if (s.subtree) parts.push(`${s.subtree.guestCount} guests`);
    if (this.filter) parts.push(`filter: ${this.filter.text}`);
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

  // ---- snapshots and agent --------------------------------------------------------------------------

  private async snapshotRows(s: ConnectionState, guestRow: Row): Promise<Row[]> {
    const cached = s.snapshots.get(guestRow.id);
    if (cached) return cached;
    const guest = s.subtree?.guests.get(guestRow.guestId!);
    if (!guest) return [];
    let rows: Row[];
    try {
      const api = await this.pool.get(s.settings);
      const snaps = await api.snapshots({ node: guest.node, type: guest.type, vmid: guest.vmid });
      rows = snaps
        .filter((x) => x.name !== 'current')
        .sort((a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0))
        .map((x) =>
          makeRow({
            id: `${guestRow.id}/snapshot/${x.name}`,
            kind: 'snapshot',
            parentId: guestRow.id,
            label: x.name,
            description: [x.snaptime ? new Date(x.snaptime * 1000).toLocaleString() : undefined, x.vmstate ? 'with RAM' : undefined, x.description]
              .filter(Boolean)
              .join(' · '),
            icon: { id: 'history' },
            contextValue: `snapshot ${guest.type}`,
            collapsible: 'none',
            snapshotName: x.name,
            guestId: guest.id,
            node: guest.node,
          }),
        );
      if (rows.length === 0) {
        rows = [
          makeRow({
            id: `${guestRow.id}/snapshot/(none)`,
            kind: 'message',
            parentId: guestRow.id,
            label: 'No snapshots',
            icon: { id: 'info' },
            contextValue: 'message',
            collapsible: 'none',
            guestId: guest.id,
          }),
        ];
      }
    } catch (err) {
      const te = describeTreeError(err);
      rows = [
        makeRow({
          id: `${guestRow.id}/snapshot/(error)`,
          kind: 'message',
          parentId: guestRow.id,
          label: `Snapshots unavailable: ${te.label}`,
          icon: { id: 'error', color: 'errorForeground' },
          contextValue: 'message error',
          collapsible: 'none',
          tooltip: te.detail,
        }),
      ];
      // Not cached: the next expansion tries again.
      return rows;
    }
    s.snapshots.set(guestRow.id, rows);
    return rows;
  }

  /** Forgets a guest's snapshot list and re-reads it (after a snapshot action). */
  invalidateSnapshots(rowId: string): void {
    const s = this.stateOf(rowId);
    if (!s) return;
    for (const key of [...s.snapshots.keys()]) if (key === rowId || rowId.startsWith(`${key}/`)) s.snapshots.delete(key);
    const guestRowId = rowId.includes('/snapshot/') ? rowId.slice(0, rowId.lastIndexOf('/snapshot/')) : rowId;
    const el = this.elements.get(guestRowId);
    if (el) this.fire([el]);
  }

  /** Agent addresses of a running VM, cached for a minute; undefined when the agent cannot tell. */
  async agentAddresses(s: ConnectionState, guest: Guest, token?: vscode.CancellationToken, timeoutMs = 8000): Promise<string[] | undefined> {
    if (guest.type !== 'qemu' || guest.status !== 'running' || guest.template) return undefined;
    const cached = s.ips.get(guest.id);
    if (cached && Date.now() - cached.at < 60_000) return cached.ips;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const sub = token?.onCancellationRequested(() => controller.abort());
    try {
      const api = await this.pool.get(s.settings);
      const { guestAddresses } = await import('../../core/explorer/links.js');
      const ips = guestAddresses(await api.agentNetworkInterfaces({ node: guest.node, type: guest.type, vmid: guest.vmid }, { signal: controller.signal }));
      s.ips.set(guest.id, { at: Date.now(), ips });
      return ips;
    } catch (err) {
      this.log.debug(`No agent addresses for ${guest.id}: ${errorMessage(err)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
      sub?.dispose();
    }
  }

  // ---- refreshing -------------------------------------------------------------------------------------

  api(s: ConnectionState): Promise<PveApi> {
    return this.pool.get(s.settings);
  }

  private fire(els: Element[]): void {
    if (els.length === 0) return;
    this.stats.changeEvents += els.length;
    this._onDidChangeTreeData.fire(els.length === 1 ? els[0] : els);
  }

  private declaredGuests(): Promise<readonly DeclaredGuest[] | undefined> {
    if (!this.declared) {
      const loading = this.declaredSource().catch((err: unknown) => {
        this.log.warn(`IaC correlation unavailable: ${errorMessage(err)}`);
        return undefined;
      });
      this.declared = loading;
      void loading.then((value) => {
        if (this.declared === loading) this.declaredNow = { value };
      });
    }
    return this.declared;
  }

  /** The workspace's IaC files changed: correlate again (no new request to the cluster). */
  invalidateDeclarations(): void {
    this.declared = undefined;
    this.declaredNow = undefined;
    this.rebuildAll();
  }

  /** One `/cluster/resources` request, then only the rows whose appearance changed are re-rendered. */
  refreshConnection(s: ConnectionState, silent = false): Promise<void> {
    if (s.refreshing) {
      s.again = true;
      return s.refreshing;
    }
    s.refreshing = (async () => {
      const started = performance.now();
      const hadError = s.error;
      try {
        const api = await this.pool.get(s.settings);
        const [snapshot, declared] = await Promise.all([api.clusterResources(), this.declaredGuests()]);
        s.snapshot = snapshot;
        s.error = undefined;
        s.rawError = undefined;
        s.failures = 0;
        this.apply(s, declared, silent || hadError !== undefined);
        if (hadError) this.fire([this.element(s.rootId)]);
      } catch (err) {
        s.failures++;
        const te = describeTreeError(err);
        this.log.warn(`Refreshing ${s.settings.name} failed: ${errorMessage(err)}`);
        const changed = !hadError || hadError.label !== te.label;
        s.error = te;
        s.rawError = err;
        if (changed && !silent) this.fire([this.element(s.rootId)]);
      } finally {
        s.lastDurationMs = performance.now() - started;
        s.lastRefreshAt = Date.now();
        this.stats.refreshes++;
        s.refreshing = undefined;
        this._onDidRefresh.fire(s.settings.id);
      }
      if (s.again) {
        s.again = false;
        await this.refreshConnection(s);
      }
    })();
    return s.refreshing;
  }

  /** Builds the subtree from the last snapshot and fires change events for what differs. */
  private apply(s: ConnectionState, declared: readonly DeclaredGuest[] | undefined, silent: boolean): void {
    if (!s.snapshot) return;
    const next = buildSubTree({
      rootId: s.rootId,
      snapshot: s.snapshot,
      options: this.options(),
      filter: this.filter,
      declared,
      readonlyVmids: this.readonlyVmids(),
    });
    const prev = s.subtree;
    const changed = changedRows(prev, next, s.rootId);
    s.subtree = next;
    // Forget elements of rows that are gone, so the map does not grow without bound.
    if (prev) {
      for (const id of prev.rows.keys()) {
        if (!next.rows.has(id)) {
          this.elements.delete(id);
          s.snapshots.delete(id);
        }
      }
    }
    this.stats.lastChanged = changed;
    if (!silent) this.fire(changed.filter((id) => this.elements.has(id)).map((id) => this.element(id)));
  }

  /** Grouping, filter, read-only list or declarations changed: rebuild every loaded connection. */
  rebuildAll(): void {
    for (const s of this.states.values()) {
      if (!s.snapshot) continue;
      if (this.declaredNow) this.apply(s, this.declaredNow.value, false);
      else void this.declaredGuests().then((declared) => this.apply(s, declared, false));
    }
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
    const opened = [...this.states.values()].filter((s) => s.opened);
    if (clearCaches) {
      this.declared = undefined;
      this.declaredNow = undefined;
      for (const s of opened) {
        s.snapshots.clear();
        s.ips.clear();
      }
    }
    await Promise.all(opened.map((s) => this.refreshConnection(s)));
    this.schedule();
  }

  /** Polls only while the view is visible. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.refreshAll();
    else this.stopTimers();
  }

  /**
   * Arms the poll timer for the connection due first. Each connection keeps its own pace: the interval
   * plus twice its last response time, doubled per consecutive failure, so one offline cluster backs off
   * without slowing the others.
   */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const seconds = this.config.get<number>('explorer.refreshInterval', 5);
    if (!this.visible || seconds <= 0 || this.isDisposed) return;
    const opened = [...this.states.values()].filter((s) => s.opened);
    if (opened.length === 0) return;
    const dueAt = (s: ConnectionState): number => (s.lastRefreshAt ?? 0) + nextPollDelay(seconds * 1000, s.lastDurationMs, s.failures);
    const delay = Math.max(0, Math.min(...opened.map(dueAt)) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      const due = opened.filter((s) => this.states.get(s.settings.id) === s && dueAt(s) <= now + 50);
      void Promise.all(due.map((s) => this.refreshConnection(s))).then(() => this.schedule());
    }, delay);
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The setting changed: drop removed connections and start over for the ones whose settings changed. */
  private onConnectionsChanged(): void {
    const current = new Map(this.store.list().map((c) => [c.id, c]));
    for (const [id, s] of this.states) {
      const now = current.get(id);
      if (!now) {
        this.states.delete(id);
        this.elements.delete(s.rootId);
        this.forgetElements(`${s.rootId}/`);
      } else if (JSON.stringify(now) !== JSON.stringify(s.settings)) {
        this.reset(s);
        s.settings = now;
      }
    }
    this._onDidChangeTreeData.fire(undefined);
  }

  /** A new secret (re-entered token): reconnect that connection only. */
  private onSecretChanged(id: string): void {
    const s = this.states.get(id);
    if (!s) return;
    this.reset(s);
    const el = this.elements.get(s.rootId);
    if (el) this.fire([el]);
  }

  private reset(s: ConnectionState): void {
    s.error = undefined;
    s.rawError = undefined;
    s.subtree = undefined;
    s.snapshot = undefined;
    s.failures = 0;
    s.snapshots.clear();
    s.ips.clear();
    this.forgetElements(`${s.rootId}/`);
  }

  private forgetElements(prefix: string): void {
    for (const key of [...this.elements.keys()]) if (key.startsWith(prefix)) this.elements.delete(key);
  }
}
