/**
 * At most N jobs at a time, the rest wait in order. The board's probes each send one request at a time,
 * so N probes mean at most N requests in flight. Pure.
 */
export class Limiter {
  #active = 0;
  #peak = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a limiter needs at least one slot, got ${max}`);
  }

  get active(): number {
    return this.#active;
  }

  /** Highest number of jobs that ran at once (tests and the board's status line). */
  get peak(): number {
    return this.#peak;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#active >= this.max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    this.#peak = Math.max(this.#peak, this.#active);
    try {
      return await job();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
