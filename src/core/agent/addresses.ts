/**
 * Which guest addresses a user wants to see first: not loopback, not link-local. Pure.
 */
import type { AgentInterface } from '../pve/types';

export interface ShownAddress {
  readonly interface: string;
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  /** Loopback (127/8, ::1) or link-local (169.254/16, fe80::/10): hidden unless asked for. */
  readonly local: boolean;
}

const V4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`);

/**
 * Whether `address` really is an address of `family`. The agent runs inside the guest, so what it reports
 * ("evil.example", "-oProxyCommand=…") is untrusted: only real addresses reach the board, SSH or the clipboard.
 * Pure (the webview has no node:net).
 */
export function isIpAddress(address: string, family: 'ipv4' | 'ipv6'): boolean {
  if (address.length > 45) return false;
  if (family === 'ipv4') return V4.test(address);
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  let count = 0;
  for (const [i, g] of groups.entries()) {
    if (i === groups.length - 1 && g.includes('.')) {
      if (!V4.test(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isLocalAddress(address: string, family: 'ipv4' | 'ipv6'): boolean {
  const a = address.split('%')[0].toLowerCase();
  if (family === 'ipv4') return a.startsWith('127.') || a.startsWith('169.254.');
  return a === '::1' || /^fe[89ab][0-9a-f]?:/.test(a) || a === '::';
}

/** All addresses, loopback interfaces included, each marked `local` or not. */
export function addressesOf(interfaces: readonly AgentInterface[]): ShownAddress[] {
  const out: ShownAddress[] = [];
  for (const i of interfaces) {
    const loopbackIface = i.name === 'lo' || /^loopback/i.test(i.name);
    for (const a of i.addresses) {
      const bare = a.address.split('%')[0];
      if (!isIpAddress(bare, a.family)) continue;
      out.push({ interface: i.name, address: bare, prefix: a.prefix, family: a.family, local: loopbackIface || isLocalAddress(bare, a.family) });
    }
  }
  return out;
}

/** Bridges and virtual links a container runtime or hypervisor inside the guest made: not where SSH goes. */
export function isVirtualInterface(name: string): boolean {
  return /^(docker\d*|veth|br-|cni|flannel|cali|vxlan|virbr|tun|tap|wg|kube-|lxc|podman|vEthernet)/i.test(name);
}

/** The address to copy or SSH to: a non-local IPv4 on a real NIC first, then any non-local IPv4, then IPv6. */
export function primaryAddress(interfaces: readonly AgentInterface[]): string | undefined {
  const all = addressesOf(interfaces).filter((a) => !a.local);
  const real = all.filter((a) => !isVirtualInterface(a.interface));
  return (real.find((a) => a.family === 'ipv4') ?? all.find((a) => a.family === 'ipv4') ?? real[0] ?? all[0])?.address;
}
