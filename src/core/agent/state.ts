/**
 * What the board knows about one QEMU guest's agent, and the plain-words hint for each state. Pure: the
 * webview imports the types and hints, the probe (probe.ts) builds reports from the client's answers.
 */
import type { AgentInterface } from '../pve/types';

/**
 * - `not-enabled`: the VM's config has no `agent: 1` (or PVE said "No QEMU guest agent configured");
 * - `stopped`: the VM is not running, so nothing can answer;
 * - `not-answering`: enabled and running, but the agent did not answer ping (or timed out);
 * - `answering`: ping and every information command answered;
 * - `unsupported`: the agent answers but lacks (or has disabled) at least one command;
 * - `no-permission`: the token lacks VM.GuestAgent.Audit (PVE 9) / VM.Monitor (PVE 8);
 * - `error`: anything else (node unreachable, network), with the client's message;
 * - `unchecked`: not asked yet.
 */
export type AgentState = 'not-enabled' | 'stopped' | 'not-answering' | 'answering' | 'unsupported' | 'no-permission' | 'error' | 'unchecked';

export const AGENT_STATES: readonly AgentState[] = ['not-enabled', 'stopped', 'not-answering', 'answering', 'unsupported', 'no-permission', 'error', 'unchecked'];

export interface AgentReport {
  readonly vmid: number;
  readonly node: string;
  readonly name: string;
  /** Guest status from /cluster/resources. */
  readonly status: string;
  /** From the config's `agent` property; undefined until the config was read (or when it could not be). */
  readonly agentEnabled?: boolean;
  /** VMID of the template this guest is a linked clone of (from its disks), when known. */
  readonly clonedFrom?: number;
  readonly state: AgentState;
  /** The client's message for `error`, `no-permission` and `not-answering` (timeout vs not running). */
  readonly detail?: string;
  /** `timeout` when the agent timed out rather than being absent. */
  readonly reason?: 'timeout' | 'not-running';
  /** Commands the agent lacks or has disabled (`get-osinfo` …). */
  readonly unsupported: readonly string[];
  readonly osName?: string;
  /** `debian`, `mswindows` … */
  readonly osId?: string;
  readonly hostname?: string;
  readonly interfaces?: readonly AgentInterface[];
  /** Unix ms of the last completed check. */
  readonly checkedAt?: number;
  /** Consecutive checks without an answer (for backoff). */
  readonly misses: number;
}

/** The hint a user sees next to a row: what the state means and what to do. Empty for a healthy agent. */
export function hintFor(r: Pick<AgentReport, 'state' | 'reason' | 'unsupported' | 'detail' | 'clonedFrom'>): string {
  switch (r.state) {
    case 'not-enabled':
      return 'agent not enabled: set `agent: 1` in the VM options (Options → QEMU Guest Agent), then restart the VM.';
    case 'stopped':
      return 'VM stopped: start it to ask its agent.';
    case 'not-answering': {
      const head = r.reason === 'timeout' ? 'agent enabled but timed out' : 'agent enabled but not answering';
      const template =
        r.clonedFrom !== undefined ? ` (or bake it into template ${r.clonedFrom} — clones of this template never answer)` : ' (or bake it into the template — clones of this template never answer)';
      return `${head}: install and start qemu-guest-agent in the guest${template}.`;
    }
    case 'unsupported':
      return `the agent does not support this command (${r.unsupported.join(', ') || 'unknown'}): update qemu-guest-agent (virtio-win on Windows) or allow the command.`;
    case 'no-permission':
      return 'token lacks VM.GuestAgent.Audit (PVE 9) / VM.Monitor (PVE 8) on this VM: grant it, e.g. the PVEVMUser role on /vms/VMID.';
    case 'error':
      return r.detail ?? 'the check failed.';
    case 'unchecked':
      return 'not checked yet.';
    case 'answering':
      return '';
  }
}

/** Short label for the state column. */
export function stateLabel(s: AgentState): string {
  switch (s) {
    case 'not-enabled':
      return 'not enabled';
    case 'stopped':
      return 'VM stopped';
    case 'not-answering':
      return 'not answering';
    case 'answering':
      return 'answering';
    case 'unsupported':
      return 'partly supported';
    case 'no-permission':
      return 'no permission';
    case 'error':
      return 'error';
    case 'unchecked':
      return 'checking…';
  }
}
