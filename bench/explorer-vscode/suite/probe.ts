/**
 * The extension host's longest stall: a 10 ms interval timer in the extension host itself; any gap between
 * two ticks beyond the period is time the host's event loop was blocked.
 */
export class StallProbe {
  private last = performance.now();
  private worst = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly periodMs = 10) {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.worst = Math.max(this.worst, now - this.last - this.periodMs);
      this.last = now;
    }, periodMs);
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.last = performance.now();
    this.worst = 0;
  }

  /** The longest block since reset(), in ms (the open gap up to now included). */
  longest(): number {
    return Math.max(this.worst, performance.now() - this.last - this.periodMs, 0);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
