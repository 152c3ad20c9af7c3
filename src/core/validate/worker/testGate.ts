/**
 * A test-only gate between the extension host and the language worker, over shared memory so that the host
 * can read the worker's state synchronously (no message, no timing) and release a worker that is blocked.
 * The integration test uses it to show that the extension host answers requests while the worker holds a
 * real validation of a 1 MB file in flight. Production builds never create one.
 *
 * Slots: [STATE] what the worker is doing with the held path; [HOLD] 1 while the host wants it held.
 */
export const GATE_IDLE = 0;
/** The worker is inside the validation of the held path (the synchronous parse and checks). */
export const GATE_COMPUTING = 1;
/** The worker has computed the result and waits for the host to release it. */
export const GATE_HOLDING = 2;
/** The result was released and posted. */
export const GATE_DONE = 3;

const STATE = 0;
const HOLD = 1;

export function createGateBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** The host's view. */
export class GateHost {
  private readonly slots: Int32Array;
  constructor(buffer: SharedArrayBuffer) {
    this.slots = new Int32Array(buffer);
  }
  arm(): void {
    Atomics.store(this.slots, STATE, GATE_IDLE);
    Atomics.store(this.slots, HOLD, 1);
  }
  get state(): number {
    return Atomics.load(this.slots, STATE);
  }
  release(): void {
    Atomics.store(this.slots, HOLD, 0);
    Atomics.notify(this.slots, HOLD);
  }
}

/** The worker's hooks: only validations of the path the host named are gated. */
export class GateWorker {
  private readonly slots: Int32Array;
  private path: string | undefined;
  constructor(
    buffer: SharedArrayBuffer,
    /** Longest a held result waits for the host (so a failed test cannot block the worker for ever). */
    private readonly maxHoldMs = 30_000,
  ) {
    this.slots = new Int32Array(buffer);
  }
  hold(path: string | undefined): void {
    this.path = path;
  }
  beforeValidate(path: string): void {
    if (path === this.path && Atomics.load(this.slots, HOLD) === 1) Atomics.store(this.slots, STATE, GATE_COMPUTING);
  }
  afterValidate(path: string): void {
    if (path !== this.path || Atomics.load(this.slots, STATE) !== GATE_COMPUTING) return;
    Atomics.store(this.slots, STATE, GATE_HOLDING);
    Atomics.wait(this.slots, HOLD, 1, this.maxHoldMs);
    Atomics.store(this.slots, STATE, GATE_DONE);
    this.path = undefined;
  }
}
