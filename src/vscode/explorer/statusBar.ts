import * as vscode from 'vscode';
import type { ConnectionStore } from '../connections/store';
import { Disposable } from '../util/dispose';
import type { TaskRunner } from './tasks';

/** The active connection and the number of running tasks; a click switches connection. */
export class ConnectionStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('proxmoxIac.connection', vscode.StatusBarAlignment.Left, 10));

  constructor(
    private readonly store: ConnectionStore,
    private readonly tasks: TaskRunner,
  ) {
    super();
    this.item.name = 'Proxmox Connection';
    this.item.command = 'proxmoxIac.connections.switch';
    this._register(store.onDidChange(() => this.update()));
    this._register(tasks.onDidChange(() => this.update()));
    this.update();
  }

  /** The text shown now (tests read it). */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const active = this.store.active();
    if (!active) {
      this.item.hide();
      return;
    }
    const running = this.tasks.count;
    this.item.text = `$(server) ${active.name}${running ? ` $(sync~spin) ${running}` : ''}`;
    this.item.tooltip = `Proxmox: ${active.name} (${active.url})${running ? `\n${running} task${running === 1 ? '' : 's'} running` : ''}\nClick to switch connection.`;
    this.item.show();
  }
}
