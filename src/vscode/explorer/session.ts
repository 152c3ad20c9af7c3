import {
  buildSubTreeSliced,
  changedRowsSliced,
  describeTreeError,
  goneRows,
  nextPollDelay,
  planChangeEvents,
  rootIdOf,
  type Row,
  type SubTree,
  type TreeError,
  type TreeInput,
} from '../../core/explorer';
import type { AgentSummary } from '../../core/agent/summary';
import type { DeclaredGuest } from '../../core/iac/types';
import type { PveApi } from '../../core/pve/api';
import type { ClusterSnapshot } from '../../core/pve/types';
import type { ConnectionSettings } from '../connections/store';
import { errorMessage } from '../util/log';
import type { BackupListing } from './backups';

/** What a session needs from the explorer around it. */
export interface SessionHost {
  api(settings: ConnectionSettings): Promise<PveApi>;
  declaredGuests(): Promise<readonly DeclaredGuest[] | undefined>;
  /** A new snapshot arrived: rebuild the rows and tell VS Code what changed. */
  applySnapshot(session: ConnectionSession, declared: readonly DeclaredGuest[] | undefined, silent: boolean, recovered: boolean): Promise<void>;
  /** The refresh failed; `changed` when the error row now reads differently. */
  showError(session: ConnectionSession, changed: boolean, silent: boolean): void;
  /** After every refresh attempt, success or not. */
  refreshed(session: ConnectionSession): void;
  warn(message: string): void;
}

/**
 * One connection in the explorer: its last snapshot and rows, its error, its refresh (one at a time, with
 * an abort controller), its own poll timer and its caches (snapshot rows, agent addresses, how many children
 * each paged parent shows). Disposing it stops everything it started.
 */
/** Where the last refresh spent its time (ms, wall clock), for the benchmark and the log. */
export interface RefreshTimings {
  /** Request sent → answer parsed into the client's model (the parse runs in slices). */
  requestMs: number;
  /** Rows built from the snapshot (in slices). */
  buildMs: number;
  /** Rows compared with the last build (in slices). */
  diffMs: number;
  /** Rows compared (those below parents VS Code has listed). */
  changed: number;
}

export class ConnectionSession {
  readonly rootId: string;
  timings?: RefreshTimings;
  snapshot?: ClusterSnapshot;
  subtree?: SubTree;
  error?: TreeError;
  rawError?: unknown;
  failures = 0;
  lastDurationMs = 0;
  /** When the last refresh ended (ms since epoch), for this connection's poll pace. */
  lastRefreshAt?: number;
  /** The tree has asked for this connection's children: it is shown, so it is polled. */
  opened = false;
  /** Snapshot rows per guest row id, fetched when the guest is expanded. */
  readonly snapshots = new Map<string, Row[]>();
  /** Backup rows per guest row id, read when its "Backups" folder is expanded. */
  readonly backups = new Map<string, BackupListing>();
  /** Agent addresses per guest id, with when they were read. */
  readonly ips = new Map<string, { at: number; ips: string[] }>();
  /** What each guest's agent told the explorer itself (on hover), for the tooltip; kept a minute. */
  readonly agent = new Map<string, AgentSummary>();
  /** How many children a paged parent shows, when more than one page ("Show more" was clicked). */
  readonly shown = new Map<string, number>();
  /** Parents whose children VS Code has read since the last rebuild of the tree. */
  readonly served = new Set<string>();
  private refreshing?: Promise<void>;
  /** Rebuilds run one after the other, each against the tree the one before left. */
  private building: Promise<unknown> = Promise.resolve();
  /** Bumped by reset(): a rebuild that began before must not install its tree. */
  private epoch = 0;
  /** Set when a refresh is asked for while one runs: one more follows, never two in parallel. */
  private again = false;
  private controller?: AbortController;
  private timer?: ReturnType<typeof setTimeout>;
  /** The poll pace last asked for; 0 while the view is hidden or polling is off. */
  private pollMs = 0;
  private disposed = false;

  constructor(
    public settings: ConnectionSettings,
    private readonly host: SessionHost,
  ) {
    this.rootId = rootIdOf(settings.id);
  }

  get busy(): boolean {
    return this.refreshing !== undefined;
  }

  /** One `/cluster/resources` request; the host turns the answer into rows. */
  refresh(silent = false): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.run(silent);
    return this.refreshing;
  }

  private async run(silent: boolean): Promise<void> {
    const started = performance.now();
    const hadError = this.error;
    const controller = new AbortController();
    this.controller = controller;
    // Reset (new settings or secret) or disposed while the answer was on its way: the answer is stale.
    const stale = (): boolean => this.disposed || controller.signal.aborted;
    try {
      const api = await this.host.api(this.settings);
      const [snapshot, declared] = await Promise.all([api.clusterResources({ signal: controller.signal }), this.host.declaredGuests()]);
      this.requestMs = performance.now() - started;
      if (!stale()) {
        this.snapshot = snapshot;
        this.error = undefined;
        this.rawError = undefined;
        this.failures = 0;
        await this.host.applySnapshot(this, declared, silent || hadError !== undefined, hadError !== undefined);
      }
    } catch (err) {
      if (!stale()) {
        this.failures++;
        const te = describeTreeError(err);
        this.host.warn(`Refreshing ${this.settings.name} failed: ${errorMessage(err)}`);
        const changed = !hadError || hadError.label !== te.label;
        this.error = te;
        this.rawError = err;
        this.host.showError(this, changed, silent);
      }
    } finally {
      this.controller = undefined;
      this.lastDurationMs = performance.now() - started;
      this.lastRefreshAt = Date.now();
      this.refreshing = undefined;
      if (!this.disposed) this.host.refreshed(this);
    }
    if (this.again && !this.disposed) {
      this.again = false;
      await this.refresh();
    }
  }

  /**
   * Builds the rows from the last snapshot, in slices that yield (see slices.ts), one rebuild at a time.
   * Returns the rows whose look changed, the few elements to name in VS Code's change event for them
   * (parents VS Code never listed need none), and the rows that are gone; undefined when there is nothing
   * to build or the session was reset meanwhile. The new tree replaces the old one at once, at the end.
   */
  rebuild(input: Omit<TreeInput, 'rootId' | 'snapshot'>): Promise<{ changed: string[]; fired: string[]; gone: string[] } | undefined> {
    const run = this.building.then(() => this.doRebuild(input));
    this.building = run.catch(() => undefined);
    return run;
  }

  private requestMs = 0;

  private async doRebuild(input: Omit<TreeInput, 'rootId' | 'snapshot'>): Promise<{ changed: string[]; fired: string[]; gone: string[] } | undefined> {
    const snapshot = this.snapshot;
    const epoch = this.epoch;
    if (!snapshot || this.disposed) return undefined;
    const t0 = performance.now();
    const listed = (p: string): boolean => this.served.has(p);
    const next = await buildSubTreeSliced({ ...input, rootId: this.rootId, snapshot, listed });
    const t1 = performance.now();
    if (epoch !== this.epoch || this.disposed) return undefined;
    const prev = this.subtree;
    const changed = await changedRowsSliced(prev, next, this.rootId, listed);
    if (epoch !== this.epoch || this.disposed) return undefined;
    this.timings = { requestMs: this.requestMs, buildMs: t1 - t0, diffMs: performance.now() - t1, changed: changed.length };
    this.subtree = next;
    const gone = prev ? goneRows(prev, next, listed) : [];
    for (const id of gone) {
      this.snapshots.delete(id);
      this.backups.delete(id);
      this.served.delete(id);
    }
    const parentOf = (id: string): string | undefined => (id === this.rootId ? undefined : (next.rows.get(id)?.parentId ?? this.rootId));
    return { changed, fired: planChangeEvents(changed, this.rootId, parentOf, listed), gone };
  }

  /**
   * Arms this connection's poll timer: the interval plus twice its last response time, doubled per
   * consecutive failure, so one offline cluster backs off without slowing the others. `intervalMs` ≤ 0 stops.
   */
  schedule(intervalMs: number): void {
    this.stopPolling();
    this.pollMs = intervalMs;
    if (this.disposed || intervalMs <= 0 || !this.opened) return;
    const dueAt = (this.lastRefreshAt ?? 0) + nextPollDelay(intervalMs, this.lastDurationMs, this.failures);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Re-armed with the pace in force when the refresh ends, not when it began: the view may have been
      // hidden (pace 0) while the answer was on its way.
      void this.refresh().then(() => this.schedule(this.pollMs));
    }, Math.max(0, dueAt - Date.now()));
  }

  stopPolling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Forgets everything learnt from the server (new settings or secret): the next look starts over. */
  reset(): void {
    // A refresh on its way asked with the old settings: drop its answer and ask again.
    if (this.controller) {
      this.controller.abort();
      this.again = true;
    }
    this.epoch++;
    this.error = undefined;
    this.rawError = undefined;
    this.subtree = undefined;
    this.snapshot = undefined;
    this.failures = 0;
    this.clearCaches();
    this.shown.clear();
    this.served.clear();
  }

  clearCaches(): void {
    this.snapshots.clear();
    this.backups.clear();
    this.ips.clear();
    this.agent.clear();
  }

  dispose(): void {
    this.disposed = true;
    this.stopPolling();
    this.controller?.abort();
  }
}
