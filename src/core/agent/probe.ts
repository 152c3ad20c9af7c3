/**
 * Asks one QEMU guest's agent what the board shows, in qemu-server's order (config → running → ping →
 * information commands) and turns every answer — success, the agent's own error, PVE's 500 texts, a 403 —
 * into an AgentReport. Pure: it takes the PveApi, so unit tests run it against the simulator.
 */
import type { CallOptions, GuestRef, PveApi } from '../pve/api';
import {
  AgentCommandError,
  AgentNotConfiguredError,
  AgentNotRunningError,
  AgentTimeoutError,
  CancelledError,
  GuestNotRunningError,
  PermissionError,
} from '../pve/errors';
import type { AgentInterface } from '../pve/types';
import { agentEnabledInConfig, linkedCloneTemplate } from './config';
import type { AgentReport, AgentState } from './state';

export interface ProbeGuest {
  readonly vmid: number;
  readonly node: string;
  readonly name: string;
  readonly status: string;
}

export interface ProbeOptions extends CallOptions {
  /** Re-read the config (first check, manual refresh); otherwise `previous` supplies agentEnabled/clonedFrom. */
  readonly readConfig: boolean;
  readonly previous?: AgentReport;
  /** `ping` asks only ping (the row's "Ping" button); `full` also OS, host name and addresses. */
  readonly depth: 'ping' | 'full';
  readonly now?: () => number;
}

interface Outcome {
  readonly state: AgentState;
  readonly reason?: 'timeout' | 'not-running';
  readonly detail?: string;
}

/** Classifies an error from any agent call; undefined for "the agent lacks this command" (handled per command). */
export function classifyAgentError(err: unknown): Outcome {
  if (err instanceof AgentNotConfiguredError) return { state: 'not-enabled' };
  if (err instanceof GuestNotRunningError) return { state: 'stopped' };
  if (err instanceof AgentNotRunningError) return { state: 'not-answering', reason: 'not-running', detail: err.message };
  if (err instanceof AgentTimeoutError) return { state: 'not-answering', reason: 'timeout', detail: err.message };
  if (err instanceof PermissionError) return { state: 'no-permission', detail: err.message };
  if (err instanceof AgentCommandError && err.unsupported) return { state: 'unsupported', detail: err.message };
  return { state: 'error', detail: err instanceof Error ? err.message : String(err) };
}

export async function probeGuest(api: PveApi, guest: ProbeGuest, o: ProbeOptions): Promise<AgentReport> {
  const now = o.now ?? Date.now;
  const call: CallOptions = o.signal ? { signal: o.signal } : {};
  const ref: GuestRef = { node: guest.node, type: 'qemu', vmid: guest.vmid };
  const prev = o.previous;
  let agentEnabled = prev?.agentEnabled;
  let clonedFrom = prev?.clonedFrom;
  const base = (): Omit<AgentReport, 'state' | 'misses' | 'unsupported'> => ({
    vmid: guest.vmid,
    node: guest.node,
    name: guest.name,
    status: guest.status,
    ...(agentEnabled !== undefined ? { agentEnabled } : {}),
    ...(clonedFrom !== undefined ? { clonedFrom } : {}),
    checkedAt: now(),
  });
  const finish = (outcome: Outcome, extra: Partial<AgentReport> = {}): AgentReport => {
    const answered = outcome.state === 'answering' || outcome.state === 'unsupported';
    const misses = outcome.state === 'not-answering' || outcome.state === 'error' ? (prev?.misses ?? 0) + 1 : 0;
    return {
      ...base(),
      unsupported: [],
      ...extra,
      state: outcome.state,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.detail && !answered ? { detail: outcome.detail } : {}),
      misses,
    };
  };

  if (o.readConfig || agentEnabled === undefined) {
    try {
      const config = await api.config(ref, call);
      agentEnabled = agentEnabledInConfig(config);
      clonedFrom = linkedCloneTemplate(config);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      // Without VM.Audit the config stays unknown; the agent's own answer still tells most states.
    }
  }
  if (guest.status !== 'running') return finish({ state: 'stopped' });
  if (agentEnabled === false) return finish({ state: 'not-enabled' });

  try {
    await api.agentPing(ref, call);
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    const outcome = classifyAgentError(err);
    if (outcome.state === 'not-enabled') agentEnabled = false;
    return finish(outcome);
  }
  agentEnabled = true;
  if (o.depth === 'ping') {
    // Keep what the last full check learned; only the answering state and the time are new.
    const keep: Partial<AgentReport> = prev ? pickInfo(prev) : {};
    return finish({ state: prev?.state === 'unsupported' ? 'unsupported' : 'answering' }, keep);
  }

  const unsupported: string[] = [];
  const info: { osName?: string; osId?: string; hostname?: string; interfaces?: readonly AgentInterface[] } = {};
  // One command failing for another reason ends the check with that reason (timeout, permission …).
  const ask = async <T>(command: string, f: () => Promise<T>): Promise<T | Outcome> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      if (err instanceof AgentCommandError && err.unsupported) {
        unsupported.push(err.command ?? command);
        return undefined as T;
      }
      return classifyAgentError(err);
    }
  };
  const isOutcome = (v: unknown): v is Outcome => v !== null && typeof v === 'object' && 'state' in v && typeof (v as Outcome).state === 'string' && !Array.isArray(v);
  const os = await ask('get-osinfo', () => api.agentOsInfo(ref, call));
  if (isOutcome(os)) return finish(os);
  if (os) {
    const name = os.prettyName ?? os.name ?? os.id;
    if (name !== undefined) info.osName = name;
    if (os.id !== undefined) info.osId = os.id;
  }
  const host = await ask('get-host-name', () => api.agentHostName(ref, call));
  if (isOutcome(host)) return finish(host);
  if (typeof host === 'string') info.hostname = host;
  const ifs = await ask('network-get-interfaces', () => api.agentNetworkInterfaces(ref, call));
  if (isOutcome(ifs)) return finish(ifs);
  if (Array.isArray(ifs)) info.interfaces = ifs;
  return finish({ state: unsupported.length > 0 ? 'unsupported' : 'answering' }, { ...info, unsupported });
}

function pickInfo(r: AgentReport): Partial<AgentReport> {
  return {
    unsupported: r.unsupported,
    ...(r.osName !== undefined ? { osName: r.osName } : {}),
    ...(r.osId !== undefined ? { osId: r.osId } : {}),
    ...(r.hostname !== undefined ? { hostname: r.hostname } : {}),
    ...(r.interfaces !== undefined ? { interfaces: r.interfaces } : {}),
  };
}
