import * as vscode from 'vscode';
import { basename, dirname, extname, join } from 'node:path';
import type { GraphView } from '../../core/graph/graphView';
import { diffViews, mergeReport } from '../../core/webviews/graph/delta';
import { isFromPage, type FromPage, type NodeAction, type PageState, type RenderReport, type ToPage, GRAPH_VIEW_TYPE } from '../../core/webviews/graph/protocol';
import { isSafeName } from '../../core/tasks/names';
import type { Services } from '../services';
import { Disposable } from '../util/dispose';
import { errorMessage } from '../util/log';
import { renderWebviewHtml, webviewOptions } from '../webviews/html';
import { onValidMessage } from '../webviews/messages';
import { VisiblePoller } from '../webviews/poller';
import type { LiveSnapshot, LiveSource } from './live';
import { graphViewOf } from './model';

/** An edit is drawn this long after the last keystroke. */
export const EDIT_DEBOUNCE_MS = 150;
/** Live state is refreshed this often while the panel is visible (never while hidden). */
export const LIVE_POLL_MS = 10_000;

const RUN_COMMANDS: Record<NodeAction, string> = { plan: 'proxmoxIac.plan', apply: 'proxmoxIac.apply', destroy: 'proxmoxIac.destroy' };

/**
 * One graph panel for one manifest: builds the view from the open document, follows its edits and problems
 * (debounced), polls live state while visible, and serves the page's messages (reveal, run, export).
 */
export class GraphPanel extends Disposable {
  private readonly _onDidRender = this._register(new vscode.EventEmitter<RenderReport>());
  /** Fires with what the page drew (tests and the benchmark wait on it). */
  readonly onDidRender = this._onDidRender.event;
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;

  private view: GraphView | undefined;
  /** The view the page has (or is about to get) at `version`: the next edit is sent as a delta from it. */
  private sentView: GraphView | undefined;
  /** Messages sent as deltas / whole views (tests check that an edit sends a delta). */
  readonly sent = { deltas: 0, full: 0 };
  /** False: every update sends the whole view (the benchmark compares both in one run). */
  sendDeltas = true;
  private readonly poller: VisiblePoller;
  /** Live-state polls so far (tests check that none happen while the panel is hidden). */
  polls = 0;
  private version = 0;
  private ready = false;
  private live: LiveSnapshot | undefined;
  private liveFailed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private exportWaiter: { target?: vscode.Uri; resolve: (uri: vscode.Uri | undefined) => void } | undefined;
  /** When the update that sent each recent version started building its view (the benchmark's edit timing). */
  readonly startedAt = new Map<number, number>();
  /** When each recent version was handed to the page, after its view was built (the benchmark's split). */
  readonly postedAt = new Map<number, number>();
  readonly postedEpoch = new Map<number, number>();
  /** Wall-clock time each recent report arrived (the benchmark's split of the round trip). */
  readonly arrivedEpoch = new Map<number, number>();
  private updateStartedAt = 0;
  lastReport: RenderReport | undefined;
  pageState: PageState | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly file: string,
    private readonly services: Services,
    private readonly liveSource: LiveSource,
  ) {
    super();
    panel.title = `Graph: ${basename(file)}`;
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'proxmox.svg');
    panel.webview.options = webviewOptions(services.context.extensionUri);
    panel.webview.html = renderWebviewHtml(panel.webview, services.context.extensionUri, { bundle: 'graph', title: panel.title, initialState: { file } });
    this._register(onValidMessage(panel.webview, 'Manifest graph', isFromPage, services.log, (m) => this.handle(m)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.fsPath === file && e.contentChanges.length) this.schedule();
      }),
    );
    this._register(vscode.languages.onDidChangeDiagnostics((e) => e.uris.some((u) => u.fsPath === file) && this.schedule()));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(file)), basename(file))));
    this._register(watcher.onDidChange(() => this.schedule()));
    this.poller = this._register(new VisiblePoller(panel, LIVE_POLL_MS, () => this.pollLive()));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearTimeout(this.timer);
    this.exportWaiter?.resolve(undefined);
    this._onDidDispose.fire();
    super.dispose();
    this.panel.dispose();
  }

  /** Rebuilds and sends the view after the edit debounce. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), EDIT_DEBOUNCE_MS);
  }

  /** Builds the view now and sends it to the page (when it is listening). */
  async update(): Promise<void> {
    clearTimeout(this.timer);
    if (this.isDisposed) return;
    this.updateStartedAt = performance.now();
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(this.file));
      if (this.isDisposed) return;
      const view = await graphViewOf(document, this.live, this.view);
      if (this.isDisposed) return;
      this.view = view;
    } catch (err) {
      this.view = { kind: 'manifest', title: basename(this.file), file: this.file, nodes: [], edges: [], message: `Cannot read ${this.file}: ${errorMessage(err)}` };
    }
    this.post();
  }

  /**
   * Sends the view: the whole of it to a page that has none (first show, shown again, restored, `resync`) or
   * when much changed, else only what changed since the version the page has.
   */
  private post(whole = false): void {
    if (!this.ready || !this.view || this.isDisposed) return;
    const delta = !whole && this.sendDeltas && this.sentView ? diffViews(this.sentView, this.view) : undefined;
    this.startedAt.set(++this.version, this.updateStartedAt);
    this.startedAt.delete(this.version - 50);
    this.postedAt.set(this.version, performance.now());
    this.postedEpoch.set(this.version, performance.timeOrigin + performance.now());
    this.postedEpoch.delete(this.version - 50);
    this.postedAt.delete(this.version - 50);
    const message: ToPage = delta ? { type: 'graphDelta', version: this.version, base: this.version - 1, delta } : { type: 'graph', version: this.version, view: this.view };
    this.sent[delta ? 'deltas' : 'full']++;
    this.sentView = this.view;
    void this.panel.webview.postMessage(message);
  }

  private async pollLive(): Promise<void> {
    this.polls++;
    const before = JSON.stringify(this.live ?? null);
    try {
      this.live = await this.liveSource();
      this.liveFailed = false;
    } catch (err) {
      // Shown as "no live state" in the page; logged once per failure streak, not every poll.
      if (!this.liveFailed) this.services.log.warn(`Manifest graph: live state unavailable (${errorMessage(err)}); the graph shows the file only.`);
      this.liveFailed = true;
      this.live = undefined;
    }
    // An unchanged cluster re-renders nothing.
    if (!this.view || JSON.stringify(this.live ?? null) !== before) await this.update();
  }

  private async handle(message: FromPage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (message.state) this.pageState = message.state;
        // A new page (first show, shown again, restored) has no view yet.
        this.sentView = undefined;
        if (this.view) this.post(true);
        else await this.update();
        return;
      case 'resync':
        this.services.log.info(`Manifest graph: the page had version ${message.have}, not the one a change was made against; sending the whole graph.`);
        this.post(true);
        return;
      case 'rendered': {
        this.arrivedEpoch.set(message.report.version, performance.timeOrigin + performance.now());
        this.arrivedEpoch.delete(message.report.version - 50);
        const report = message.report.partial && this.lastReport ? mergeReport(this.lastReport, message.report) : message.report;
        this.lastReport = report;
        this._onDidRender.fire(report);
        return;
      }
      case 'stateChanged':
        this.pageState = message.state;
        return;
      case 'reveal':
        await this.reveal(message.id, message.focus === true);
        return;
      case 'run':
        await this.run(message.action, message.id);
        return;
      case 'svg':
        await this.saveSvg(message.svg);
        return;
      case 'log':
        this.services.log[message.level](`Manifest graph page: ${message.message}`);
        return;
    }
  }

  private node(id: string) {
    return this.view?.nodes.find((n) => n.id === id);
  }

  /** Opens the manifest at the node's declaration. */
  async reveal(id: string, focus = true): Promise<void> {
    const node = this.node(id);
    if (!node) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(this.file));
    const line = Math.min(node.line, document.lineCount - 1);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === this.file);
    const position = new vscode.Position(line, document.lineAt(line).firstNonWhitespaceCharacterIndex);
    await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One),
      selection: new vscode.Range(position, position),
      preserveFocus: !focus,
    });
  }

  /** Runs plan / apply / destroy for a node with the same tasks as the lenses (which ask before apply/destroy). */
  async run(action: NodeAction, id: string): Promise<unknown> {
    const node = this.node(id);
    if (!node || !node.runnable || !isSafeName(node.name)) {
      this.services.log.warn(`Manifest graph: "${action}" refused for a node that is not in ${basename(this.file)} or has no plain name.`);
      return undefined;
    }
    return vscode.commands.executeCommand(RUN_COMMANDS[action], { file: this.file, kind: 'iac-driver', node: node.name });
  }

  /** Asks the page for an SVG and saves it (to `target`, or where the user picks). */
  exportSvg(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    this.exportWaiter?.resolve(undefined);
    return new Promise((resolve) => {
      this.exportWaiter = { ...(target ? { target } : {}), resolve };
      void this.panel.webview.postMessage({ type: 'exportSvg' });
    });
  }

  private async saveSvg(svg: string): Promise<void> {
    const waiter = this.exportWaiter;
    this.exportWaiter = undefined;
    const target =
      waiter?.target ??
      (await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(join(dirname(this.file), `${basename(this.file, extname(this.file))}.graph.svg`)),
        filters: { 'SVG image': ['svg'] },
        title: 'Export Manifest Graph as SVG',
      }));
    if (!target) {
      waiter?.resolve(undefined);
      return;
    }
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`));
      this.services.log.info(`Manifest graph: exported ${target.fsPath}`);
      waiter?.resolve(target);
    } catch (err) {
      void vscode.window.showErrorMessage(`The graph could not be saved to ${target.fsPath}: ${errorMessage(err)}. Choose another folder.`);
      waiter?.resolve(undefined);
    }
  }

  /** A live-state poll is scheduled or running: only while the panel is visible. */
  get polling(): boolean {
    return this.poller.active;
  }

  /** Current view (tests). */
  get currentView(): GraphView | undefined {
    return this.view;
  }
}

export { GRAPH_VIEW_TYPE };
