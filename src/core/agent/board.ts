/**
 * The board's model for one connection: the QEMU guests from one /cluster/resources call, a report per
 * guest, and rounds that probe the guests that are due — at most `maxInFlight` at a time, with backoff for
 * agents that do not answer. The VS Code layer decides when to run a round (only while the panel is
 * visible); this class never sets a timer. Pure: unit tests run it against the simulator.
 */
import type { PveApi } from '../pve/api';
import { CancelledError } from '../pve/errors';
import type { TemplateInfo } from './groups';
import { Limiter } from './limiter';
import { probeGuest, type ProbeGuest } from './probe';
import { isDue } from './schedule';
import type { AgentReport } from './state';

export interface AgentBoardOptions {
  readonly maxInFlight?: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
  /** Called after every finished probe and after each guest-list update. */
  readonly onChange?: () => void;
}

export interface BoardSnapshot {
  readonly reports: readonly AgentReport[];
  readonly templates: readonly TemplateInfo[];
  /** The guest list could not be read: the message says why. */
  readonly error?: string;
  readonly updatedAt?: number;
}

export class AgentBoard {
  readonly limiter: Limiter;
  readonly intervalMs: number;
  readonly #now: () => number;
  readonly #onChange: () => void;
  #guests = new Map<number, ProbeGuest>();
  #templates: TemplateInfo[] = [];
  readonly #reports = new Map<number, AgentReport>();
  readonly #inFlight = new Set<number>();
  #error: string | undefined;
  #updatedAt: number | undefined;

  constructor(
    private readonly api: () => Promise<PveApi>,
    o: AgentBoardOptions = {},
  ) {
    this.limiter = new Limiter(o.maxInFlight ?? 8);
    this.intervalMs = o.intervalMs ?? 30_000;
    this.#now = o.now ?? Date.now;
    this.#onChange = o.onChange ?? (() => undefined);
  }

  snapshot(): BoardSnapshot {
    const reports = [...this.#guests.values()].map((g) => this.#reports.get(g.vmid) ?? unchecked(g));
    return {
      reports,
      templates: this.#templates,
      ...(this.#error !== undefined ? { error: this.#error } : {}),
      ...(this.#updatedAt !== undefined ? { updatedAt: this.#updatedAt } : {}),
    };
  }

  /** VMIDs whose check is on its way. */
  checking(): number[] {
    return [...this.#inFlight];
  }

  /** The latest report for a VMID (the explorer may show it). */
  latest(vmid: number): AgentReport | undefined {
    return this.#reports.get(vmid);
  }

  /** One round: refresh the guest list, then probe every guest that is due (all of them when `force`). */
  async round(o: { signal?: AbortSignal; force?: boolean } = {}): Promise<void> {
    const api = await this.api();
    try {
      const snap = await api.clusterResources(o.signal ? { signal: o.signal } : {});
      const qemu = snap.guests.filter((g) => g.type === 'qemu');
      this.#templates = qemu.filter((g) => g.template).map((g) => ({ vmid: g.vmid, name: g.name, node: g.node }));
      this.#guests = new Map(qemu.filter((g) => !g.template).map((g) => [g.vmid, { vmid: g.vmid, node: g.node, name: g.name, status: g.status }]));
      for (const vmid of [...this.#reports.keys()]) if (!this.#guests.has(vmid)) this.#reports.delete(vmid);
      this.#error = undefined;
      this.#updatedAt = this.#now();
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      this.#error = err instanceof Error ? err.message : String(err);
      this.#onChange();
      return;
    }
    this.#onChange();
    const now = this.#now();
    const due = [...this.#guests.values()].filter((g) => o.force || isDue(this.#reports.get(g.vmid), g.status, now, this.intervalMs));
    await Promise.all(due.map((g) => this.#probe(api, g, o.force === true, 'full', o.signal)));
  }

  /** The row's "Ping" (ping only) or "Refresh" (config and every command) for one guest. */
  async check(vmid: number, depth: 'ping' | 'full', signal?: AbortSignal): Promise<AgentReport | undefined> {
    const g = this.#guests.get(vmid);
    if (!g) return undefined;
    await this.#probe(await this.api(), g, depth === 'full', depth, signal);
    return this.#reports.get(vmid);
  }

  async #probe(api: PveApi, g: ProbeGuest, readConfig: boolean, depth: 'ping' | 'full', signal?: AbortSignal): Promise<void> {
    if (this.#inFlight.has(g.vmid)) return; // a check of this guest is already on its way
    this.#inFlight.add(g.vmid);
    try {
      const previous = this.#reports.get(g.vmid);
      const report = await this.limiter.run(() =>
        probeGuest(api, g, { readConfig: readConfig || previous?.status !== g.status, depth, now: this.#now, ...(previous ? { previous } : {}), ...(signal ? { signal } : {}) }),
      );
      if (this.#guests.get(g.vmid) === g || this.#guests.has(g.vmid)) this.#reports.set(g.vmid, report);
      this.#onChange();
    } catch (err) {
      if (!(err instanceof CancelledError)) throw err;
    } finally {
      this.#inFlight.delete(g.vmid);
    }
  }
}

function unchecked(g: ProbeGuest): AgentReport {
  return { vmid: g.vmid, node: g.node, name: g.name, status: g.status, state: 'unchecked', unsupported: [], misses: 0 };
}
