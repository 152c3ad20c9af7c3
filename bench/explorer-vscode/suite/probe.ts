/**
 * The extension host's longest stall: a 10 ms interval timer in the extension host itself; any gap between
 * two ticks beyond the period is time the host's event loop was blocked, or the process waited for a core.
 * On a loaded machine the second dominates (a 4-guest refresh shows 100+ ms gaps), so each gap is also
 * measured in the CPU time the process used meanwhile: `longestCpu()` is the longest gap counting only time
 * the process was running (the gap, or the CPU time spent in it if less; every thread counts, so it is an
 * upper bound of the event loop's own work). On an idle machine both are the same.
 */
export class StallProbe {
  private last = performance.now();
  private lastCpu = cpuMs();
  private worst = 0;
  private worstCpu = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly periodMs = 10) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const cpu = cpuMs();
      const gap = now - this.last - this.periodMs;
      this.worst = Math.max(this.worst, gap);
      this.worstCpu = Math.max(this.worstCpu, Math.min(gap, cpu - this.lastCpu - this.periodMs));
      this.last = now;
      this.lastCpu = cpu;
    }, periodMs);
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.last = performance.now();
    this.lastCpu = cpuMs();
    this.worst = 0;
    this.worstCpu = 0;
  }

  /** The longest block since reset(), in ms (the open gap up to now included). */
  longest(): number {
    return Math.max(this.worst, performance.now() - this.last - this.periodMs, 0);
  }

  /** The longest block since reset() counting only time the process ran, in ms. */
  longestCpu(): number {
    const gap = performance.now() - this.last - this.periodMs;
    return Math.max(this.worstCpu, Math.min(gap, cpuMs() - this.lastCpu - this.periodMs), 0);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
