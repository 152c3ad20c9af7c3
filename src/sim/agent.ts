/**
 * The simulated QEMU guest agent: PVE's checks in qemu-server's order (configured → VM running → agent
 * answers ping), then what real agents answer — a Linux guest, a Windows guest, a container host with many
 * NICs, an old agent that lacks a command (HTTP 200 `result.error` or a 500 "unsupported command"), and
 * timeouts. Texts from ../shared/pve-api/facts.md and the samples.
 */
import { SimError, type Handler, type HandlerContext } from './handlers';
import type { SimGuest } from './state';
import { agentAddress } from './provisioning';

export const AGENT_COMMANDS = ['ping', 'network-get-interfaces', 'get-osinfo', 'get-host-name'] as const;

const WINDOWS_OSINFO = {
  id: 'mswindows',
  name: 'Microsoft Windows',
  'pretty-name': 'Windows Server 2022 Datacenter',
  version: 'Microsoft Windows Server 2022',
  'version-id': '2022',
  variant: 'server',
  'variant-id': 'server',
  'kernel-release': '20348',
  'kernel-version': '10.0',
  machine: 'x86_64',
};

const STATS = { 'rx-bytes': 324105, 'tx-bytes': 368860, 'rx-packets': 4025, 'tx-packets': 3479, 'rx-errs': 0, 'tx-errs': 0, 'rx-dropped': 0, 'tx-dropped': 0 };

type Nic = Record<string, unknown>;

function v4(address: string, prefix = 24): Nic {
  return { 'ip-address-type': 'ipv4', 'ip-address': address, prefix };
}
function v6(address: string, prefix = 64): Nic {
  return { 'ip-address-type': 'ipv6', 'ip-address': address, prefix };
}

function macOf(g: SimGuest): string {
  return String(g.config.net0 ?? '').match(/=([0-9A-F:]{17})/i)?.[1]?.toLowerCase() ?? 'bc:24:11:00:00:01';
}

function linkLocal(g: SimGuest): string {
  return `fe80::be24:11ff:fe00:${(g.vmid % 0xffff).toString(16)}`;
}

function interfaces(g: SimGuest): Nic[] {
  const mac = macOf(g);
  const ip = agentAddress(g);
  const q = g.agentQuirks ?? {};
  if (q.interfaces) return q.interfaces;
  if (q.windows) {
    return [
      { name: 'Ethernet', 'hardware-address': mac, 'ip-addresses': [v6(`${linkLocal(g)}%5`), v4(ip)], statistics: STATS },
      // Windows reports its loopback without a MAC.
      { name: 'Loopback Pseudo-Interface 1', 'ip-addresses': [v6('::1', 128), v4('127.0.0.1', 8)], statistics: STATS },
    ];
  }
  const lo: Nic = { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [v4('127.0.0.1', 8), v6('::1', 128)], statistics: STATS };
  const eth0: Nic = { name: 'eth0', 'hardware-address': mac, 'ip-addresses': [v4(ip), v6(linkLocal(g))], statistics: STATS };
  if (!q.manyNics) return [lo, eth0];
  return [
    lo,
    { name: 'docker0', 'hardware-address': '02:42:8f:1c:9e:01', 'ip-addresses': [v4('172.17.0.1', 16)], statistics: STATS },
    eth0,
    { name: 'br-3f2a9c1d7e60', 'hardware-address': '02:42:4a:77:10:02', 'ip-addresses': [v4('172.18.0.1', 16), v6('fe80::42:4aff:fe77:1002')], statistics: STATS },
    // veths carry only a link-local address, or none at all.
    { name: 'veth1a2b3c4', 'hardware-address': '6a:1f:00:aa:bb:01', 'ip-addresses': [v6('fe80::681f:ff:feaa:bb01')], statistics: STATS },
    { name: 'veth5d6e7f8', 'hardware-address': '6a:1f:00:aa:bb:02', statistics: STATS },
    { name: 'cni0', 'hardware-address': '0a:58:0a:f4:00:01', 'ip-addresses': [v4('10.244.0.1', 24)], statistics: STATS },
    // tunnels and WireGuard have no MAC.
    { name: 'wg0', 'ip-addresses': [v4('10.100.0.7', 24)], statistics: STATS },
    { name: 'tunl0', statistics: STATS },
  ];
}

function answer(g: SimGuest, cmd: string): unknown {
  switch (cmd) {
    case 'ping':
      return {};
    case 'get-osinfo':
      return g.agentQuirks?.windows ? WINDOWS_OSINFO : (g.osinfo ?? { id: 'linux', name: 'Linux', 'kernel-release': '6.1.0', machine: 'x86_64' });
    case 'get-host-name':
      return { 'host-name': g.agentQuirks?.windows ? g.name.toUpperCase().slice(0, 15) : (g.hostname ?? g.name.toLowerCase()) };
    default:
      return interfaces(g);
  }
}

/** The handler for `…/agent/<cmd>`; `guestOf` finds the VM (and answers "does not exist" like PVE). */
export function agentHandler(cmd: string, guestOf: (ctx: HandlerContext) => SimGuest): Handler {
  return (ctx) => {
    const g = guestOf(ctx);
    if (g.agent === 'none') throw new SimError(500, 'No QEMU guest agent configured');
    if (g.status !== 'running') throw new SimError(500, `VM ${g.vmid} is not running`);
    if (g.agent === 'not-running') throw new SimError(500, 'QEMU guest agent is not running');
    if (g.agent === 'timeout' && cmd !== 'ping') throw new SimError(500, `VM ${g.vmid} qga command 'guest-${cmd}' failed - got timeout`);
    const q = g.agentQuirks ?? {};
    if (q.unsupported?.includes(cmd)) throw new SimError(500, `VM ${g.vmid} qmp command 'guest-${cmd}' failed - unsupported command: guest-${cmd}`);
    if (q.resultError?.includes(cmd)) return { data: { result: { error: { class: 'CommandNotFound', desc: `The command guest-${cmd} has not been found` } } } };
    return { data: { result: answer(g, cmd) } };
  };
}
