/**
 * What "Provision VM from Template…" asks, and the check of each answer. Every check returns the sentence
 * the user sees (with the fix in it) or undefined when the answer is good; the wizard, the command that takes
 * its answers as arguments and the CLI all use the same checks.
 */
import { isIP } from 'node:net';

export interface TemplateRef {
  readonly node: string;
  readonly vmid: number;
  readonly name?: string;
}

export type IpChoice = { readonly dhcp: true } | { readonly cidr: string; readonly gw?: string };

export interface CloudInitAnswers {
  readonly user?: string;
  /** OpenSSH public keys, one per entry. */
  readonly sshKeys?: readonly string[];
  readonly ip: IpChoice;
  /** Space-separated DNS servers. */
  readonly nameserver?: string;
  readonly searchdomain?: string;
}

export interface ProvisionAnswers {
  readonly template: TemplateRef;
  /** The node the new VM lands on (default: the template's). */
  readonly node: string;
  readonly name: string;
  readonly vmid: number;
  readonly cores?: number;
  /** MiB. */
  readonly memory?: number;
  /** GiB; the boot disk is grown to this size (never shrunk). */
  readonly diskGiB?: number;
  /** Target storage of a full clone. */
  readonly storage?: string;
  readonly cloudInit?: CloudInitAnswers;
  /** Full clone (independent disks) or linked clone (shares the template's). */
  readonly full: boolean;
  /** Start the VM and wait for its agent (default true). */
  readonly start?: boolean;
  /** Which site-config preset gave the size, for the write-back. */
  readonly preset?: string;
}

export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** What the workspace and the cluster already use, for uniqueness and safety checks. */
export interface TakenIds {
  /** Live guests: vmid → name (and node). */
  readonly live: ReadonlyMap<number, { readonly name: string; readonly node: string }>;
  /** Declared in IaC files: vmid → where. */
  readonly declared: ReadonlyMap<number, string>;
  /** Read-only VMIDs: vmid → why (hosts.nix readonly, definitions.nix imported, the setting). */
  readonly readonly: ReadonlyMap<number, string>;
  /** Names used live or declared: lower-case name → where. */
  readonly names: ReadonlyMap<string, string>;
  /** Allowed ranges from `proxmoxIac.validation.vmidRanges`; empty: 100–999999999. */
  readonly ranges: readonly (readonly [number, number])[];
}

export function checkName(name: string, taken?: Pick<TakenIds, 'names'>): string | undefined {
  if (!name) return 'Enter a name for the new VM.';
  if (name.length > 63) return `"${name}" is ${name.length} characters long; a VM name (a DNS label) has at most 63.`;
  if (!NAME_PATTERN.test(name)) return `"${name}" is not a valid name: use lower-case letters, digits and "-", starting with a letter (e.g. web-1).`;
  const where = taken?.names.get(name.toLowerCase());
  if (where) return `The name "${name}" is already used by ${where}. Choose another name.`;
  return undefined;
}

export function checkVmid(vmid: number, taken: TakenIds): string | undefined {
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) return `${vmid} is not a VMID: Proxmox VMIDs are whole numbers from 100 to 999999999.`;
  const ro = taken.readonly.get(vmid);
  if (ro) return `VMID ${vmid} is read-only (${ro}); it can never be a provisioning target. Choose another VMID.`;
  const live = taken.live.get(vmid);
  if (live) return `VMID ${vmid} is already used by "${live.name}" on node ${live.node}. Choose a free VMID.`;
  const declared = taken.declared.get(vmid);
  if (declared) return `VMID ${vmid} is already declared in ${declared}. Choose a VMID no IaC file uses.`;
  if (taken.ranges.length && !taken.ranges.some(([lo, hi]) => vmid >= lo && vmid <= hi)) {
    return `VMID ${vmid} is outside the allowed ranges (${taken.ranges.map(([lo, hi]) => `${lo}–${hi}`).join(', ')}, setting proxmoxIac.validation.vmidRanges).`;
  }
  return undefined;
}

function isFree(vmid: number, taken: TakenIds): boolean {
  return checkVmid(vmid, taken) === undefined;
}

/**
 * The VMID to suggest: the cluster's `nextid` when it is free and allowed, else the lowest free one in the
 * configured ranges; undefined when the ranges are full.
 */
export function suggestVmid(taken: TakenIds, clusterNext?: number): number | undefined {
  if (clusterNext !== undefined && isFree(clusterNext, taken)) return clusterNext;
  const ranges = taken.ranges.length ? taken.ranges : [[Math.max(100, clusterNext ?? 100), 999_999_999] as const];
  for (const [lo, hi] of ranges) {
    // Bounded: at most every taken id plus one is skipped.
    const limit = Math.min(hi, lo + taken.live.size + taken.declared.size + taken.readonly.size + 1);
    for (let v = Math.max(100, lo); v <= limit; v++) if (isFree(v, taken)) return v;
  }
  return undefined;
}

export function checkCores(n: number): string | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 512 ? undefined : 'Cores must be a whole number from 1 to 512.';
}

export function checkMemory(mib: number): string | undefined {
  return Number.isInteger(mib) && mib >= 16 ? undefined : 'Memory is in MiB and at least 16 (e.g. 2048 for 2 GiB).';
}

/** The disk can only grow: PVE refuses to shrink a volume. */
export function checkDisk(gib: number, templateGiB?: number): string | undefined {
  if (!Number.isInteger(gib) || gib < 1) return 'The disk size is a whole number of GiB (e.g. 32).';
  if (templateGiB !== undefined && gib < templateGiB) return `The template's disk is ${templateGiB} GiB and disks cannot shrink: enter ${templateGiB} or more.`;
  return undefined;
}

/** Parses "2 2048 32" / "cores=2 memory=2048 disk=32" style size answers. */
export function parseSize(text: string): { cores: number; memory: number; diskGiB: number } | string {
  const nums = text.trim().split(/[\s,/]+/).map((p) => p.replace(/^(cores|memory|mem|disk)=/i, '').replace(/(g|gib|gb|m|mib|mb)$/i, ''));
  if (nums.length !== 3 || nums.some((n) => !/^\d+$/.test(n))) return 'Enter cores, memory (MiB) and disk (GiB) separated by spaces, e.g. "2 2048 32".';
  const [cores, memory, diskGiB] = nums.map(Number) as [number, number, number];
  return checkCores(cores) ?? checkMemory(memory) ?? checkDisk(diskGiB) ?? { cores, memory, diskGiB };
}

export function checkCiUser(user: string): string | undefined {
  if (!user) return undefined;
  return /^[a-z_][a-z0-9_-]{0,31}$/.test(user) ? undefined : `"${user}" is not a valid Linux user name: lower-case letters, digits, "_" and "-", starting with a letter or "_".`;
}

const KEY_LINE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

/** The public keys in a file's text or ssh-agent's listing; comments and blank lines skipped. */
export function parsePublicKeys(text: string): { keys: string[]; bad: string[] } {
  const keys: string[] = [];
  const bad: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (KEY_LINE.test(line)) keys.push(line);
    else bad.push(line.length > 40 ? `${line.slice(0, 40)}…` : line);
  }
  return { keys, bad };
}

/** `ip=10.0.0.5/24,gw=10.0.0.1`, `10.0.0.5/24 10.0.0.1` or `dhcp`. */
export function parseIpConfig(text: string): IpChoice | string {
  const t = text.trim();
  if (!t || t.toLowerCase() === 'dhcp' || t === 'ip=dhcp') return { dhcp: true };
  const m = /^(?:ip=)?([^,\s]+)(?:[,\s]+(?:gw=)?([^,\s]+))?$/.exec(t);
  const example = 'Enter "dhcp" or a static address as ip=192.168.1.50/24,gw=192.168.1.1.';
  if (!m) return example;
  const [addr, prefix] = m[1].split('/');
  if (!addr || !isIP(addr) || prefix === undefined || !/^\d+$/.test(prefix) || Number(prefix) > (isIP(addr) === 4 ? 32 : 128)) {
    return `"${m[1]}" is not an address with a prefix length (CIDR). ${example}`;
  }
  if (m[2] !== undefined && isIP(m[2]) !== isIP(addr)) return `The gateway "${m[2]}" is not an address of the same family as ${addr}. ${example}`;
  return m[2] ? { cidr: m[1], gw: m[2] } : { cidr: m[1] };
}

export function checkNameservers(text: string): string | undefined {
  const parts = text.trim().split(/[\s,]+/).filter(Boolean);
  const bad = parts.find((p) => !isIP(p));
  return bad ? `"${bad}" is not an IP address. Enter DNS servers as addresses separated by spaces, or leave it empty to keep the template's.` : undefined;
}

/** Every check of a complete set of answers (the command and the CLI, which skip the wizard). */
export function checkAnswers(a: ProvisionAnswers, taken: TakenIds, templateDiskGiB?: number): string[] {
  const problems = [checkName(a.name, taken), checkVmid(a.vmid, taken)];
  if (a.cores !== undefined) problems.push(checkCores(a.cores));
  if (a.memory !== undefined) problems.push(checkMemory(a.memory));
  if (a.diskGiB !== undefined) problems.push(checkDisk(a.diskGiB, templateDiskGiB));
  if (a.cloudInit) {
    problems.push(checkCiUser(a.cloudInit.user ?? ''));
    if (a.cloudInit.nameserver) problems.push(checkNameservers(a.cloudInit.nameserver));
    for (const k of a.cloudInit.sshKeys ?? []) if (!KEY_LINE.test(k)) problems.push(`"${k.slice(0, 40)}" is not an OpenSSH public key.`);
  }
  if (!a.full && a.storage) problems.push('A linked clone stays on the template\'s storage: choose a full clone to pick a storage.');
  return problems.filter((p): p is string => p !== undefined);
}
