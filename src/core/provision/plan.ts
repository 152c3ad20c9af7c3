/**
 * The API calls a provisioning makes, in order, as named steps: clone (a task, followed by its UPID), config
 * and cloud-init, disk resize, start, and the wait for the guest agent. The runner (run.ts) makes them; a dry
 * run prints them (`describePlan`) without making any.
 */
import type { ProvisionAnswers } from './answers';
import type { TemplateFacts } from './template';

export type StepName = 'clone' | 'configure' | 'resize' | 'start' | 'agent';

export interface PlannedCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly params: Readonly<Record<string, string | number>>;
  /** The call starts a task; the runner follows its UPID to the end. */
  readonly task?: boolean;
}

export interface PlannedStep {
  readonly name: StepName;
  /** "Clone template 9003 to VM 120 (web)". */
  readonly title: string;
  readonly calls: readonly PlannedCall[];
}

export interface AgentWait {
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/**
 * `sshkeys` is URL-encoded as PVE requires (`format: urlencoded` in the schema; spaces as %20, `+` as %2B,
 * newlines between keys as %0A), and then form-encoded again by the client like every parameter.
 */
export function encodeSshKeys(keys: readonly string[]): string {
  return encodeURIComponent(keys.join('\n'));
}

export function ipconfigValue(ip: NonNullable<ProvisionAnswers['cloudInit']>['ip']): string {
  return 'dhcp' in ip ? 'ip=dhcp' : `ip=${ip.cidr}${ip.gw ? `,gw=${ip.gw}` : ''}`;
}

/** The config parameters of the configure step (size and cloud-init); empty when there is nothing to set. */
export function configParams(a: ProvisionAnswers, facts: TemplateFacts): Record<string, string | number> {
  const p: Record<string, string | number> = {};
  if (a.cores !== undefined) p.cores = a.cores;
  if (a.memory !== undefined) p.memory = String(a.memory);
  const ci = a.cloudInit;
  if (ci && facts.cloudInit) {
    if (ci.user) p.ciuser = ci.user;
    if (ci.sshKeys?.length) p.sshkeys = encodeSshKeys(ci.sshKeys);
    p.ipconfig0 = ipconfigValue(ci.ip);
    if (ci.nameserver?.trim()) p.nameserver = ci.nameserver.trim().split(/[\s,]+/).join(' ');
    if (ci.searchdomain?.trim()) p.searchdomain = ci.searchdomain.trim();
  }
  return p;
}

function vmPath(node: string, vmid: number): string {
  return `/nodes/${node}/qemu/${vmid}`;
}

export function planProvision(a: ProvisionAnswers, facts: TemplateFacts, wait: AgentWait): PlannedStep[] {
  const t = a.template;
  const vm = vmPath(a.node, a.vmid);
  const steps: PlannedStep[] = [];
  const cloneParams: Record<string, string | number> = { newid: a.vmid, name: a.name, full: a.full ? 1 : 0 };
  if (a.full && a.storage) cloneParams.storage = a.storage;
  if (a.node !== t.node) cloneParams.target = a.node;
  steps.push({
    name: 'clone',
    title: `Clone template ${t.vmid}${t.name ? ` (${t.name})` : ''} to VM ${a.vmid} (${a.name}), ${a.full ? 'full' : 'linked'}`,
    calls: [{ method: 'POST', path: `${vmPath(t.node, t.vmid)}/clone`, params: cloneParams, task: true }],
  });
  const params = configParams(a, facts);
  if (Object.keys(params).length) {
    const what = [params.cores !== undefined || params.memory !== undefined ? 'size' : '', params.ipconfig0 ? 'cloud-init' : ''].filter(Boolean).join(' and ');
    steps.push({ name: 'configure', title: `Set ${what || 'config'} of VM ${a.vmid}`, calls: [{ method: 'POST', path: `${vm}/config`, params, task: true }] });
  }
  if (a.diskGiB !== undefined && facts.bootDisk && (facts.diskGiB === undefined || a.diskGiB > facts.diskGiB)) {
    steps.push({ name: 'resize', title: `Grow ${facts.bootDisk} of VM ${a.vmid} to ${a.diskGiB} GiB`, calls: [{ method: 'PUT', path: `${vm}/resize`, params: { disk: facts.bootDisk, size: `${a.diskGiB}G` }, task: true }] });
  }
  if (a.start !== false) {
    steps.push({ name: 'start', title: `Start VM ${a.vmid}`, calls: [{ method: 'POST', path: `${vm}/status/start`, params: {}, task: true }] });
    if (facts.agent) {
      steps.push({
        name: 'agent',
        title: `Wait for the guest agent of VM ${a.vmid} (up to ${Math.round(wait.timeoutMs / 1000)} s, every ${Math.round(wait.intervalMs / 1000)} s) and read its IP`,
        calls: [{ method: 'GET', path: `${vm}/agent/network-get-interfaces`, params: {} }],
      });
    }
  }
  return steps;
}

/** The dry run: one line per API call, each task call followed by the UPID it waits on. */
export function describePlan(steps: readonly PlannedStep[]): string[] {
  const lines: string[] = [];
  steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.name}: ${s.title}`);
    for (const c of s.calls) {
      const params = Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(' ');
      lines.push(`   ${c.method} ${c.path}${params ? ` ${params}` : ''}`);
      if (c.task) lines.push(`   GET /nodes/{node}/tasks/{UPID}/status  (until the task stops)`);
    }
  });
  return lines;
}
