/**
 * What the explorer's guest tooltip says about the guest agent: the state, the plain-words hint when it is
 * not well, the OS, the host name and the addresses (loopback and link-local left out). From the board's
 * report when the board has asked, else from the explorer's own two questions on hover. Pure.
 */
import type { AgentInterface, AgentOsInfo } from '../pve/types';
import { addressesOf } from './addresses';
import { classifyAgentError } from './probe';
import { hintFor, type AgentReport, type AgentState } from './state';

export interface AgentSummary {
  readonly state: AgentState;
  /** What the state means and what to do; empty for an agent that answers everything. */
  readonly hint: string;
  readonly os?: string;
  readonly hostname?: string;
  readonly ips: readonly string[];
  /** Unix ms of the check. */
  readonly checkedAt?: number;
  /** `board`: the guest-agent board's last check; `explorer`: the explorer's own questions. */
  readonly source: 'board' | 'explorer';
}

function shownAddresses(interfaces: readonly AgentInterface[] | undefined): string[] {
  return [...new Set(addressesOf(interfaces ?? []).filter((a) => !a.local).map((a) => a.address))];
}

/** The board's report as the tooltip shows it; undefined while the board has not checked the guest yet. */
export function summaryOfReport(r: AgentReport): AgentSummary | undefined {
  if (r.state === 'unchecked') return undefined;
  return {
    state: r.state,
    hint: hintFor(r),
    ...(r.osName !== undefined ? { os: r.osName } : {}),
    ...(r.hostname !== undefined ? { hostname: r.hostname } : {}),
    ips: shownAddresses(r.interfaces),
    ...(r.checkedAt !== undefined ? { checkedAt: r.checkedAt } : {}),
    source: 'board',
  };
}

/**
 * The explorer's own answers (network-get-interfaces and get-osinfo, asked together): the first error that is
 * not "the agent lacks this command" decides the state, as the board's probe decides it.
 */
export function summaryOfAnswers(interfaces: PromiseSettledResult<readonly AgentInterface[]>, os: PromiseSettledResult<AgentOsInfo>, checkedAt: number): AgentSummary {
  const unsupported: string[] = [];
  for (const [result, command] of [
    [interfaces, 'network-get-interfaces'],
    [os, 'get-osinfo'],
  ] as const) {
    if (result.status === 'fulfilled') continue;
    const outcome = classifyAgentError(result.reason);
    if (outcome.state === 'unsupported') {
      unsupported.push(command);
      continue;
    }
    return { state: outcome.state, hint: hintFor({ ...outcome, unsupported: [] }), ips: [], checkedAt, source: 'explorer' };
  }
  const state: AgentState = unsupported.length ? 'unsupported' : 'answering';
  const info = os.status === 'fulfilled' ? (os.value.prettyName ?? os.value.name ?? os.value.id) : undefined;
  return {
    state,
    hint: hintFor({ state, unsupported }),
    ...(info !== undefined ? { os: info } : {}),
    ips: interfaces.status === 'fulfilled' ? shownAddresses(interfaces.value) : [],
    checkedAt,
    source: 'explorer',
  };
}
