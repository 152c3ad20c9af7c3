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
    for (const a of i.addresses) out.push({ interface: i.name, address: a.address.split('%')[0], prefix: a.prefix, family: a.family, local: loopbackIface || isLocalAddress(a.address, a.family) });
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
