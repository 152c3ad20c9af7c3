import type * as vscode from 'vscode';
import { Disposable, toDisposable } from '../util/dispose';

/**
 * Runs `poll` every `intervalMs` while a panel is visible, and never while it is hidden: a hidden panel costs
 * no requests. Becoming visible polls at once. One poll at a time; a slow poll delays the next.
 */
export class VisiblePoller extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly intervalMs: number,
    private readonly poll: () => Promise<void>,
  ) {
    super();
    this._register(panel.onDidChangeViewState(() => (panel.visible ? this.now() : this.stop())));
    this._register(toDisposable(() => this.stop()));
    if (panel.visible) this.now();
  }

  /** Polls now (if visible), then keeps the interval. */
  now(): void {
    this.stop();
    if (this.isDisposed || !this.panel.visible || this.running) return;
    this.running = true;
    void this.poll()
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
        if (!this.isDisposed && this.panel.visible) this.timer = setTimeout(() => this.now(), this.intervalMs);
      });
  }

  get active(): boolean {
    return this.timer !== undefined || this.running;
  }

  private stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
