/**
 * What the extension host did during a scenario's measured rounds: garbage-collection pauses (always), and on
 * request (run.mjs options, passed in the environment):
 *   - PROXMOX_IAC_BENCH_PROFILE=DIR: a CPU profile of the whole process, `DIR/<scenario>.cpuprofile` (open it in
 *     Chrome's DevTools, or summarise it with bench/explorer-vscode/profile.mjs);
 *   - PROXMOX_IAC_BENCH_HEAP_PROFILE=DIR: where the memory that reached the old generation was allocated,
 *     `DIR/<scenario>.heapprofile` — a sampling heap profile that drops what young-generation collections freed,
 *     so it shows what the rounds promoted (what makes full collections come sooner) plus what is still alive;
 *   - PROXMOX_IAC_BENCH_TRACE_GC=1: V8's one line per collection, with its reason, in the server's log.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import * as v8 from 'node:v8';

/** PerformanceEntry `detail.kind` of a 'gc' entry (node's perf_hooks constants NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak-callbacks' };

export class Diagnostics {
  private readonly pauses: number[] = [];
  /** The longest pause of each kind of collection (scavenge = young generation, mark-compact = whole heap…). */
  private readonly longestByKind: Record<string, number> = {};
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.pauses.push(e.duration);
      const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      this.longestByKind[kind] = Math.max(this.longestByKind[kind] ?? 0, Math.round(e.duration * 10) / 10);
    }
  });

  private constructor(
    private readonly name: string,
    private readonly session: Session | undefined,
  ) {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  static async start(name: string): Promise<Diagnostics> {
    const cpuDir = process.env.PROXMOX_IAC_BENCH_PROFILE;
    const heapDir = process.env.PROXMOX_IAC_BENCH_HEAP_PROFILE;
    if (process.env.PROXMOX_IAC_BENCH_TRACE_GC) {
      console.log(`bench ${name}: tracing garbage collections (in the server's log)`);
      v8.setFlagsFromString('--trace-gc');
    }
    const session = cpuDir || heapDir ? new Session() : undefined;
    session?.connect();
    if (session && cpuDir) {
      await post(session, 'Profiler.enable');
      await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
      await post(session, 'Profiler.start');
    }
    if (session && heapDir) {
      await post(session, 'HeapProfiler.enable');
      await post(session, 'HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
    }
    return new Diagnostics(name, session);
  }

  /** Stops measuring; the longest GC pause and the total, in ms, and the longest of each kind. */
  async stop(): Promise<{ longestMs: number; totalMs: number; count: number; longestByKind: Record<string, number> }> {
    this.observer.disconnect();
    if (process.env.PROXMOX_IAC_BENCH_TRACE_GC) v8.setFlagsFromString('--no-trace-gc');
    if (this.session) {
      const cpuDir = process.env.PROXMOX_IAC_BENCH_PROFILE;
      const heapDir = process.env.PROXMOX_IAC_BENCH_HEAP_PROFILE;
      if (cpuDir) {
        const { profile } = (await post(this.session, 'Profiler.stop')) as { profile: unknown };
        writeFileSync(join(cpuDir, `${this.name}.cpuprofile`), JSON.stringify(profile));
      }
      if (heapDir) {
        const { profile } = (await post(this.session, 'HeapProfiler.stopSampling')) as { profile: unknown };
        writeFileSync(join(heapDir, `${this.name}.heapprofile`), JSON.stringify(profile));
      }
      this.session.disconnect();
    }
    const round = (x: number): number => Math.round(x * 10) / 10;
    return {
      longestMs: round(Math.max(0, ...this.pauses)),
      totalMs: round(this.pauses.reduce((a, b) => a + b, 0)),
      count: this.pauses.length,
      longestByKind: this.longestByKind,
    };
  }
}

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
}
