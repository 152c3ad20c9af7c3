/**
 * Runs a provisioning plan against the cluster, one named step at a time, each task followed to its end.
 * A failure (or a cancel) throws ProvisionStepError naming the step and saying what exists now, so the caller
 * can offer to delete the partial VM (cleanup.ts): nothing is left half-done silently.
 */
import type { GuestRef, PveApi } from '../pve/api';
import { CancelledError, PveError } from '../pve/errors';
import { pickGuestAddress } from '../explorer/links';
import type { AgentInterface, TaskResult } from '../pve/types';
import type { ProvisionAnswers } from './answers';
import type { AgentWait, PlannedStep, StepName } from './plan';

export interface ProvisionResult {
  readonly vm: GuestRef;
  readonly name: string;
  /** The address to reach it by (first global IPv4, else IPv6); undefined when the agent was not waited for. */
  readonly ip?: string;
  /** Every non-loopback address the agent reported. */
  readonly addresses: readonly string[];
  /** Why no IP was read (template without agent, not started). */
  readonly noIpReason?: string;
}

/** What is on the cluster after a failed or cancelled step. */
export type LeftOver = 'nothing' | 'stopped' | 'running';

export class ProvisionStepError extends Error {
  constructor(
    readonly step: StepName,
    readonly stepTitle: string,
    /** What failed, in one sentence. */
    readonly reason: string,
    readonly vm: GuestRef,
    readonly leftOver: LeftOver,
    readonly cancelled: boolean,
  ) {
    super(`${cancelled ? 'Cancelled' : 'Failed'} at step "${step}" (${stepTitle}): ${reason} ${describeLeftOver(vm, leftOver)}`);
    this.name = 'ProvisionStepError';
  }
}

export function describeLeftOver(vm: GuestRef, leftOver: LeftOver): string {
  if (leftOver === 'nothing') return 'Nothing was created.';
  return `VM ${vm.vmid} exists on node ${vm.node} (${leftOver}) but is not fully provisioned.`;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly agent: AgentWait;
  /** Called as each step starts and ends. */
  readonly onStep?: (step: PlannedStep, index: number, phase: 'start' | 'done') => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function taskFailure(r: TaskResult): string {
  const last = r.log?.filter((l) => !/^TASK /.test(l)).slice(-2).join(' / ');
  return `the task ended with "${r.exitstatus}"${last ? ` (log: ${last})` : ''}.`;
}

async function follow(api: PveApi, upid: string | null, signal?: AbortSignal): Promise<string | undefined> {
  if (!upid) return undefined;
  const r = await api.waitForTask(upid, signal ? { signal } : {});
  return r.ok ? undefined : taskFailure(r);
}

/** Polls the agent until it reports an address or the wait times out. */
async function waitForAgent(api: PveApi, vm: GuestRef, wait: AgentWait, signal?: AbortSignal): Promise<AgentInterface[]> {
  const until = Date.now() + wait.timeoutMs;
  let last: string;
  for (;;) {
    if (signal?.aborted) throw new CancelledError();
    try {
      const ifs = await api.agentNetworkInterfaces(vm, signal ? { signal } : {});
      if (pickGuestAddress(ifs)) return ifs;
      last = 'the agent reported no address yet';
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      // Not up yet ("QEMU guest agent is not running", a timeout): ask again after the interval.
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() + wait.intervalMs > until) {
      throw new AgentWaitTimeout(`The guest agent did not report an address within ${Math.round(wait.timeoutMs / 1000)} s (last answer: ${last.replace(/[.\s]*$/, '')}). Check that qemu-guest-agent is installed and enabled in the image, or raise proxmoxIac.provisioning.agentTimeout.`);
    }
    await sleep(wait.intervalMs, signal);
  }
}

class AgentWaitTimeout extends Error {}

export async function runProvision(api: PveApi, answers: ProvisionAnswers, steps: readonly PlannedStep[], options: RunOptions): Promise<ProvisionResult> {
  const { signal } = options;
  const vm: GuestRef = { node: answers.node, type: 'qemu', vmid: answers.vmid };
  const template: GuestRef = { node: answers.template.node, type: 'qemu', vmid: answers.template.vmid };
  let leftOver: LeftOver = 'nothing';
  let interfaces: AgentInterface[] | undefined;
  for (const [i, step] of steps.entries()) {
    options.onStep?.(step, i, 'start');
    let failure: string | undefined;
    try {
      if (signal?.aborted) throw new CancelledError();
      const call = step.calls[0];
      const o = signal ? { signal } : {};
      switch (step.name) {
        case 'clone': {
          const p = call.params;
          const upid = await api.clone(template, {
            newid: answers.vmid,
            name: answers.name,
            full: answers.full,
            ...(typeof p.storage === 'string' ? { storage: p.storage } : {}),
            ...(typeof p.target === 'string' ? { target: p.target } : {}),
          }, o);
          // From here on the VM exists (PVE creates it locked while the clone runs).
          leftOver = 'stopped';
          failure = await follow(api, upid, signal);
          // A failed clone task removes its VM again.
          if (failure) leftOver = (await exists(api, vm)) ? 'stopped' : 'nothing';
          break;
        }
        case 'configure':
          failure = await follow(api, await api.updateConfigAsync(vm, call.params, o), signal);
          break;
        case 'resize':
          failure = await follow(api, await api.resizeDisk(vm, String(call.params.disk), String(call.params.size), o), signal);
          break;
        case 'start':
          failure = await follow(api, await api.power(vm, 'start', o), signal);
          if (!failure) leftOver = 'running';
          break;
        case 'agent':
          interfaces = await waitForAgent(api, vm, options.agent, signal);
          break;
      }
    } catch (err) {
      const cancelled = err instanceof CancelledError || signal?.aborted === true;
      if (cancelled && step.name === 'clone' && leftOver === 'stopped') leftOver = (await exists(api, vm).catch(() => true)) ? 'stopped' : 'nothing';
      if (cancelled && step.name === 'start') leftOver = (await isRunning(api, vm)) ? 'running' : 'stopped';
      const reason = cancelled ? 'you cancelled it.' : err instanceof PveError || err instanceof AgentWaitTimeout ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
      throw new ProvisionStepError(step.name, step.title, reason, vm, leftOver, cancelled);
    }
    if (failure) throw new ProvisionStepError(step.name, step.title, failure, vm, leftOver, false);
    options.onStep?.(step, i, 'done');
  }
  const addresses = (interfaces ?? []).filter((x) => x.name !== 'lo').flatMap((x) => x.addresses.map((a) => a.address));
  const ip = interfaces ? pickGuestAddress(interfaces) : undefined;
  const noIpReason = interfaces
    ? undefined
    : answers.start === false
      ? 'the VM was not started'
      : 'the template has no guest agent enabled, so the IP cannot be read (set agent: 1 and install qemu-guest-agent in the image)';
  return { vm, name: answers.name, addresses, ...(ip ? { ip } : {}), ...(noIpReason ? { noIpReason } : {}) };
}

async function exists(api: PveApi, vm: GuestRef): Promise<boolean> {
  try {
    await api.guestStatus(vm);
    return true;
  } catch {
    return false;
  }
}

async function isRunning(api: PveApi, vm: GuestRef): Promise<boolean> {
  try {
    return (await api.guestStatus(vm)).status === 'running';
  } catch {
    return false;
  }
}
