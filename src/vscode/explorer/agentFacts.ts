import type * as vscode from 'vscode';
import { summaryOfAnswers, summaryOfReport, type AgentSummary } from '../../core/agent/summary';
import type { AgentReport } from '../../core/agent/state';
import type { PveApi } from '../../core/pve/api';
import { CancelledError } from '../../core/pve/errors';
import type { Guest } from '../../core/pve/types';
import type { ConnectionSession } from './session';

/** The guest-agent board's latest check of a guest, while that connection's board is open. */
export type AgentReports = (connectionId: string, vmid: number) => AgentReport | undefined;

/** The explorer's own answers are kept this long (hovering again does not ask again). */
const KEEP_MS = 60_000;

/**
 * What a QEMU guest's tooltip says about its agent: the board's last check when the board has one, else the
 * explorer's own answer (network interfaces and OS, asked together on hover, kept a minute). Undefined for
 * containers and templates, for a stopped VM the board has not checked, and when the questions were cancelled.
 */
export async function agentSummaryOf(
  s: ConnectionSession,
  guest: Guest,
  reports: AgentReports | undefined,
  api: () => Promise<PveApi>,
  log: vscode.LogOutputChannel,
  token: vscode.CancellationToken,
  timeoutMs: number,
): Promise<AgentSummary | undefined> {
  if (guest.type !== 'qemu' || guest.template) return undefined;
  const report = reports?.(s.settings.id, guest.vmid);
  const fromBoard = report && summaryOfReport(report);
  if (fromBoard) return fromBoard;
  if (guest.status !== 'running') return undefined;
  const cached = s.agent.get(guest.id);
  if (cached?.checkedAt !== undefined && Date.now() - cached.checkedAt < KEEP_MS) return cached;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    const client = await api();
    const ref = { node: guest.node, type: guest.type, vmid: guest.vmid };
    const call = { signal: controller.signal };
    const [interfaces, os] = await Promise.allSettled([client.agentNetworkInterfaces(ref, call), client.agentOsInfo(ref, call)]);
    // Cut short by the timeout or the user moving on: no answer to show or keep.
    if ([interfaces, os].some((r) => r.status === 'rejected' && r.reason instanceof CancelledError)) return undefined;
    const summary = summaryOfAnswers(interfaces, os, Date.now());
    s.agent.set(guest.id, summary);
    return summary;
  } catch (err) {
    log.debug(`No agent answer for ${guest.id}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
    sub.dispose();
  }
}
