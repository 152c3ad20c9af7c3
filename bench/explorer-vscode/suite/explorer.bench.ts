/**
 * Explorer refresh in the real window: for each scenario (guests × connections), every guest row changes
 * between refreshes; it times the request reaching the stand-in → the changed rows in the tree's DOM (a
 * MutationObserver in the page, same clock), the extension host's longest stall (StallProbe), and an
 * unchanged refresh (DOM changes in the tree, requests). Results go to the runner as one metric per scenario.
 */
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import { activateExtension, reportMetric, runnerAction, sleep, waitForDomText, selectors } from '../../../test/integration/harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import { StallProbe } from './probe';
import { Diagnostics } from './diagnostics';

/** Something that began at `at` (ms, the machine's clock) and took `ms`. */
interface Span {
  readonly at: number;
  readonly ms: number;
}

interface Scenario {
  readonly name: string;
  readonly connections: number;
  readonly guests: number;
  readonly nodes: number;
  readonly rounds: number;
}

const control = process.env.PROXMOX_IAC_BENCH_CONTROL!;
const url = process.env.PROXMOX_IAC_BENCH_URL!;
const fingerprint = process.env.PROXMOX_IAC_BENCH_FINGERPRINT!;
const scenarios = JSON.parse(process.env.PROXMOX_IAC_BENCH_SCENARIOS ?? '[]') as Scenario[];

async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${control}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return (await res.json()) as T;
}

async function requestLog(): Promise<{ connection: number; at: number; bytes: number }[]> {
  return ((await (await fetch(`${control}/log`)).json()) as { log: { connection: number; at: number; bytes: number }[] }).log;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A full collection, so heap figures are live objects only. */
function collect(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('explorer refresh in the real window', function () {
  this.timeout(30 * 60_000);
  let explorer: ExplorerApi;
  let probe: StallProbe;
  let baselineHeap = 0;
  /** The heap with next to no guests, by number of connections (the 4 and 10x4 scenarios). */
  const connectionsHeap = new Map<number, number>();

  before(async () => {
    const api = await activateExtension();
    assert.ok(api, 'the extension activated');
    explorer = api.explorer!;
    await vscode.commands.executeCommand('proxmoxIac.explorer.focus');
    probe = new StallProbe();
  });

  after(() => probe?.dispose());

  for (const sc of scenarios) {
    it(sc.name, async () => {
      const { bytes } = await post<{ bytes: number[] }>('/scenario', sc);
      const connections = Array.from({ length: sc.connections }, (_, c) => ({
        id: `c${c}`,
        name: `Bench ${c}`,
        url,
        auth: 'token',
        tokenId: `bench@pve!c${c}`,
        fingerprint,
      }));
      await vscode.workspace.getConfiguration('proxmoxIac').update('connections', connections, vscode.ConfigurationTarget.Global);
      const { provider, treeView } = explorer;
      // Open every connection and the first node in each, as a user looking at the guests would.
      for (let c = 0; c < sc.connections; c++) {
        const rootId = `conn:c${c}`;
        await until(`connection c${c} listed`, () => (provider.stateOf(rootId) || undefined) && true);
        await treeView.reveal(provider.element(rootId), { expand: true, select: false, focus: false });
        // The same connection as the scenario before: read the new data set.
        if (provider.stateOf(rootId)?.subtree) await provider.refreshConnection(provider.stateOf(rootId)!);
        await until(`connection c${c} loaded`, () => (provider.stateOf(rootId)?.subtree?.guestCount === sc.guests ? true : undefined));
        const first = `${rootId}/guest/qemu/${100 + c * 100_000}`;
        provider.ensureShown(first);
        await treeView.reveal(provider.element(first), { select: false, focus: false });
      }
      // Back to the first connection's first guest: the rows the measurement watches.
      await treeView.reveal(provider.element('conn:c0/guest/qemu/100'), { select: false, focus: false });
      await waitForDomText(selectors.sideBarTreeRows, 'vm-100', 60_000);
      const diagnostics = await Diagnostics.start(sc.name);
      const rounds: { ms: number; eventMs: number; stallMs: number; stallCpuMs: number; cpuMs: number; requests: number; timings?: unknown }[] = [];
      // When the explorer fires its change event (same clock as the page's): splits request → rows into our work
      // (request → event) and VS Code's (event → rows in the DOM).
      let firedAt = 0;
      const fired = provider.onDidChangeTreeData(() => (firedAt ||= performance.timeOrigin + performance.now()));
      for (let r = 0; r < sc.rounds + 2; r++) {
        const { cpuText } = await post<{ cpuText: string }>('/bump');
        await post('/clear');
        await runnerAction('armRows', { expect: ` ${cpuText} ` });
        probe.reset();
        firedAt = 0;
        const cpu0 = process.cpuUsage();
        await provider.refreshAll();
        const done = await runnerAction<{ at: number } | { timedOut: true }>('collectRows', { timeoutMs: 60_000 }, 90_000);
        const cpu = process.cpuUsage(cpu0);
        await sleep(100);
        const stallMs = probe.longest();
        const stallCpuMs = probe.longestCpu();
        const log = await requestLog();
        assert.ok(!('timedOut' in done), `round ${r}: the rows did not show ${cpuText}`);
        const requestAt = Math.min(...log.map((l) => l.at));
        const ms = done.at - requestAt;
        // The first two rounds warm up the JIT and VS Code's caches.
        if (r >= 2) rounds.push({ ms, eventMs: firedAt ? firedAt - requestAt : NaN, stallMs, stallCpuMs, cpuMs: (cpu.user + cpu.system) / 1000, requests: log.length, timings: provider.stateOf('conn:c0')?.timings });
      }
      fired.dispose();
      const gc = await diagnostics.stop();
      // The command palette while refreshes land: opened and closed in a loop by the runner meanwhile.
      const palette: Span[] = [];
      // The openings that overlap a refresh (from its request to its rows in the DOM): what the target is about.
      const during: number[] = [];
      // The page's longest task (> 50 ms) within those openings, 0 if none.
      let pageTaskMs = 0;
      for (let r = 0; r < 3; r++) {
        const { cpuText } = await post<{ cpuText: string }>('/bump');
        await post('/clear');
        await runnerAction('armRows', { expect: ` ${cpuText} ` });
        await runnerAction('startPalette');
        await sleep(300);
        await provider.refreshAll();
        const done = await runnerAction<{ at: number } | { timedOut: true }>('collectRows', { timeoutMs: 60_000 }, 90_000);
        const { samples, longTasks } = await runnerAction<{ samples: Span[]; longTasks: Span[] }>('stopPalette');
        const from = Math.min(...(await requestLog()).map((l) => l.at));
        const to = 'at' in done ? done.at : Infinity;
        const overlapping = samples.filter((x) => x.at + x.ms >= from && x.at <= to);
        during.push(...overlapping.map((x) => x.ms));
        for (const x of overlapping) pageTaskMs = Math.max(pageTaskMs, ...longTasks.filter((t) => t.at < x.at + x.ms && t.at + t.ms > x.at).map((t) => t.ms));
        palette.push(...samples);
      }
      // Unchanged: the same body again.
      await post('/clear');
      await runnerAction('armMutations');
      probe.reset();
      await provider.refreshAll();
      await sleep(1000);
      const unchanged = { mutations: await runnerAction<number>('collectMutations'), stallMs: probe.longest(), requests: (await requestLog()).length };
      collect();
      const heap = process.memoryUsage().heapUsed;
      if (sc.guests <= 4) {
        if (sc.connections === 1) baselineHeap = heap;
        connectionsHeap.set(sc.connections, heap);
      }
      const result = {
        connections: sc.connections,
        guests: sc.guests,
        nodes: sc.nodes,
        bodyBytes: bytes.reduce((a, b) => a + b, 0),
        requestToRowsMs: { median: median(rounds.map((x) => x.ms)), samples: rounds.map((x) => Math.round(x.ms)) },
        // The part of it until the explorer's change event (the rest is VS Code's: tree items, IPC, rendering).
        requestToEventMs: { median: median(rounds.map((x) => x.eventMs)), samples: rounds.map((x) => Math.round(x.eventMs)) },
        longestStallMs: { median: median(rounds.map((x) => x.stallMs)), max: Math.max(...rounds.map((x) => x.stallMs)) },
        longestStallCpuMs: { median: median(rounds.map((x) => x.stallCpuMs)), max: Math.max(...rounds.map((x) => x.stallCpuMs)), samples: rounds.map((x) => Math.round(x.stallCpuMs)) },
        palette: {
          maxMs: Math.max(...palette.map((x) => x.ms)),
          medianMs: median(palette.map((x) => x.ms)),
          samples: palette.length,
          duringRefresh: during.length,
          duringRefreshMaxMs: during.length > 0 ? Math.max(...during) : undefined,
          pageLongestTaskMs: Math.round(pageTaskMs),
        },
        // CPU time the extension host used from the refresh to the rows in the DOM (its own work and VS Code's).
        extHostCpuMs: { median: median(rounds.map((x) => x.cpuMs)), samples: rounds.map((x) => Math.round(x.cpuMs)) },
        timings: rounds.map((x) => x.timings),
        // Garbage collection during the measured rounds: the longest pause and the total (ms).
        gc,
        treeEvents: provider.stats.events,
        requestsPerRefresh: Math.max(...rounds.map((x) => x.requests)),
        unchanged,
        heapUsedBytes: heap,
        heapAboveBaselineBytes: baselineHeap ? heap - baselineHeap : undefined,
        heapAboveSameConnectionsBytes: sc.connections > 1 && sc.guests > 4 && connectionsHeap.has(sc.connections) ? heap - connectionsHeap.get(sc.connections)! : undefined,
      };
      console.log(`bench ${sc.name}: ${JSON.stringify(result)}`);
      reportMetric(`scenario:${sc.name}`, result as unknown as number, 'json');
    });
  }
});
