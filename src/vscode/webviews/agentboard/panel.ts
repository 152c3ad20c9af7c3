import * as vscode from 'vscode';
import { isIP } from 'node:net';
import { AgentBoard } from '../../../core/agent/board';
import { primaryAddress } from '../../../core/agent/addresses';
import { sshArgv } from '../../../core/explorer';
import type { PveApi } from '../../../core/pve/api';
import { isFromPage, type FromPage, type PageState, type RenderReport, type RowAction } from '../../../core/webviews/agentboard/protocol';
import type { ConnectionSettings } from '../../connections/store';
import type { Services } from '../../services';
import { openSshTerminal } from '../../ssh/terminal';
import { Disposable } from '../../util/dispose';
import { errorMessage } from '../../util/log';
import { renderWebviewHtml, webviewOptions } from '../html';
import { onValidMessage } from '../messages';
import { VisiblePoller } from '../poller';

/** A round (guest list + the guests that are due) this often while the panel is visible; never while hidden. */
export const BOARD_POLL_MS = 10_000;
/** A healthy agent is asked again after this long; silent ones back off from it (src/core/agent/schedule.ts). */
export const AGENT_INTERVAL_MS = 30_000;
/** Requests in flight at most, per board. */
export const MAX_IN_FLIGHT = 8;

/**
 * One board panel for one connection: an AgentBoard polled only while the panel is visible, with its own
 * API client (its own sockets, so slow agent calls never queue the explorer's requests), and the page's
 * row actions (ping, refresh, SSH, copy IP).
 */
export class AgentBoardPanel extends Disposable {
  private readonly _onDidRender = this._register(new vscode.EventEmitter<RenderReport>());
  /** Fires with what the page drew (tests wait on it). */
  readonly onDidRender = this._onDidRender.event;
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;

  readonly board: AgentBoard;
  private ready = false;
  private version = 0;
  private postTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly abort = new AbortController();
  private readonly poller: VisiblePoller;
  lastReport: RenderReport | undefined;
  pageState: PageState | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly connection: ConnectionSettings,
    private readonly services: Services,
    client: () => Promise<PveApi>,
  ) {
    super();
    panel.title = `Guest Agents: ${connection.name}`;
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'proxmox.svg');
    panel.webview.options = webviewOptions(services.context.extensionUri);
    panel.webview.html = renderWebviewHtml(panel.webview, services.context.extensionUri, { bundle: 'agentboard', title: panel.title, initialState: { connectionId: connection.id } });
    this.board = new AgentBoard(client, { maxInFlight: MAX_IN_FLIGHT, intervalMs: AGENT_INTERVAL_MS, onChange: () => this.schedulePost() });
    this._register(onValidMessage(panel.webview, 'Guest-agent board', isFromPage, services.log, (m) => this.handle(m)));
    this.poller = this._register(new VisiblePoller(panel, BOARD_POLL_MS, () => this.round(false)));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.abort.abort();
    clearTimeout(this.postTimer);
    this._onDidDispose.fire();
    super.dispose();
    this.panel.dispose();
  }

  /** Whether a round is running or scheduled (false while the panel is hidden). */
  get polling(): boolean {
    return this.poller.active;
  }

  private async round(force: boolean): Promise<void> {
    try {
      await this.board.round({ signal: this.abort.signal, force });
    } catch (err) {
      this.services.log.warn(`Guest-agent board (${this.connection.name}): ${errorMessage(err)}`);
    }
  }

  /** Many probes finish close together: one message per 100 ms is enough for the page. */
  private schedulePost(): void {
    if (this.postTimer !== undefined || this.isDisposed) return;
    this.postTimer = setTimeout(() => {
      this.postTimer = undefined;
      this.post();
    }, 100);
  }

  private post(): void {
    if (!this.ready || this.isDisposed) return;
    const snap = this.board.snapshot();
    void this.panel.webview.postMessage({
      type: 'board',
      version: ++this.version,
      connection: { id: this.connection.id, name: this.connection.name },
      reports: snap.reports,
      templates: snap.templates,
      checking: this.board.checking(),
      ...(snap.error !== undefined ? { error: snap.error } : {}),
      ...(snap.updatedAt !== undefined ? { updatedAt: snap.updatedAt } : {}),
      intervalMs: AGENT_INTERVAL_MS,
    });
  }

  private async handle(message: FromPage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (message.state) this.pageState = message.state;
        this.post();
        return;
      case 'rendered':
        this.lastReport = message.report;
        this._onDidRender.fire(message.report);
        return;
      case 'stateChanged':
        this.pageState = message.state;
        return;
      case 'refreshAll':
        await this.round(true);
        return;
      case 'action':
        await this.act(message.action, message.vmid);
        return;
      case 'log':
        this.services.log[message.level](`Guest-agent board page: ${message.message}`);
        return;
    }
  }

  /** A row's button. The address comes from the guest's agent, so it is checked to be a real IP first. */
  async act(action: RowAction, vmid: number): Promise<void> {
    if (action === 'ping' || action === 'refresh') {
      const pending = this.board.check(vmid, action === 'ping' ? 'ping' : 'full', this.abort.signal);
      this.schedulePost(); // show "checking…"
      await pending;
      return;
    }
    const report = this.board.latest(vmid);
    const ip = report?.interfaces ? primaryAddress(report.interfaces) : undefined;
    if (!report || !ip || isIP(ip) === 0) {
      void vscode.window.showInformationMessage(`VM ${vmid} has no address from its guest agent yet. Refresh the row once the agent answers.`);
      return;
    }
    if (action === 'copyIp') {
      await vscode.env.clipboard.writeText(ip);
      vscode.window.setStatusBarMessage(`Copied ${ip} (VM ${vmid} ${report.name})`, 3000);
      return;
    }
    const user = this.services.config.get<string>('explorer.sshUser', 'root');
    await openSshTerminal(report.name || String(vmid), `VM ${vmid} (${ip})`, sshArgv({ user: user || undefined, host: ip }));
  }
}
