import { isIP } from 'node:net';
import type { Guest } from '../pve/types';

/** The web UI opened at a guest: `https://HOST:8006/#v1:0:=qemu%2F100`. */
export function webUiUrl(connectionUrl: string, guest: Pick<Guest, 'type' | 'vmid'>): string {
  const u = new URL(connectionUrl);
  return `${u.protocol}//${u.host}/#v1:0:=${encodeURIComponent(`${guest.type}/${guest.vmid}`)}`;
}

/** The web UI opened at a node. */
export function nodeWebUiUrl(connectionUrl: string, node: string): string {
  const u = new URL(connectionUrl);
  return `${u.protocol}//${u.host}/#v1:0:=${encodeURIComponent(`node/${node}`)}`;
}

/** The host part of a connection URL (for SSH to the node behind it). */
export function hostOf(connectionUrl: string): string {
  return new URL(connectionUrl).hostname.replace(/^\[|\]$/g, '');
}

/**
 * `ssh` arguments for a terminal, as an argv array (never a command line, so a hostile name or address
 * cannot become shell syntax). Rejects targets that would be read as an option.
 */
export function sshArgv(target: { user?: string; host: string; port?: number }): string[] {
  // A host name or an IP address, nothing else: a node name `evil@attacker.example` from a hostile server would
  // otherwise make ssh connect to attacker.example, and `ssh://…` would be read as a URI.
  if (!target.host || target.host.startsWith('-') || !(isIP(target.host) || /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/.test(target.host))) {
    throw new Error(`"${target.host}" is not a valid SSH host name or address.`);
  }
  if (target.user !== undefined && (!target.user || target.user.startsWith('-') || /[\s@]/.test(target.user))) {
    throw new Error(`"${target.user}" is not a valid SSH user name.`);
  }
  const args: string[] = [];
  if (target.port !== undefined && target.port !== 22) args.push('-p', String(target.port));
  args.push('--', target.user ? `${target.user}@${target.host}` : target.host);
  return args;
}

type AgentAddresses = readonly { readonly name: string; readonly addresses: readonly { readonly address: string; readonly family: 'ipv4' | 'ipv6' }[] }[];

/**
 * Addresses that really are IP addresses of the family they claim. The guest agent runs inside the guest:
 * whatever it reports ("evil.example.com", "-oProxyCommand=…") is untrusted and must not become an SSH
 * target or a tooltip line.
 */
function realAddresses(interfaces: AgentAddresses): { address: string; family: 'ipv4' | 'ipv6' }[] {
  return interfaces
    .filter((i) => i.name !== 'lo')
    .flatMap((i) => i.addresses)
    .filter((a) => isIP(a.address) === (a.family === 'ipv4' ? 4 : 6));
}

/** Picks the address to SSH to from agent interfaces: the first global IPv4, else the first global IPv6. */
export function pickGuestAddress(interfaces: AgentAddresses): string | undefined {
  const all = realAddresses(interfaces);
  const v4 = all.find((a) => a.family === 'ipv4' && !a.address.startsWith('127.') && !a.address.startsWith('169.254.'));
  if (v4) return v4.address;
  return all.find((a) => a.family === 'ipv6' && a.address !== '::1' && !a.address.toLowerCase().startsWith('fe80'))?.address;
}

/** Every non-loopback address, for the tooltip and "Copy IP". */
export function guestAddresses(interfaces: AgentAddresses): string[] {
  return realAddresses(interfaces)
    .filter((a) => a.address !== '::1' && !a.address.startsWith('127.') && !a.address.toLowerCase().startsWith('fe80'))
    .map((a) => a.address);
}
