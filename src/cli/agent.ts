/**
 * `proxmox-iac agent VMID`: what the QEMU guest agent reports for a VM — host name, OS and network
 * interfaces. Finds the VM's node with one /cluster/resources call unless --node is given.
 */
import { EXIT_OK, type CliCommand } from './command';
import { CONNECTION_FLAGS, CONNECTION_USAGE, clientFromArgs, outputFormat, parseArgs, runWithClient, table, UsageError } from './resources';
import { AgentCommandError, GuestNotFoundError } from '../core/pve/errors';
import type { AgentInterface } from '../core/pve/types';
import { isIpAddress } from '../core/agent/addresses';
import { safeJson, safeText } from './safeText';

/**
 * The ADDRESSES cell: only what parses as an IP address. The agent runs inside the guest, so it may report
 * anything ("evil.example", "-oProxyCommand=…"); a user, or a script that cuts this column into `ssh`, takes
 * every word here for an address of the VM. Others are counted on stderr (the JSON output keeps them, escaped).
 */
function addressCell(i: AgentInterface, note: (text: string) => void): string {
  const real = i.addresses.filter((a) => isIpAddress(a.address.split('%')[0], a.family));
  const others = i.addresses.length - real.length;
  if (others) note(`proxmox-iac agent: ${safeText(i.name)} reported ${others} address${others === 1 ? '' : 'es'} that ${others === 1 ? 'is' : 'are'} not an IP address; not shown (see --format json).`);
  return real.map((a) => `${a.address}/${a.prefix}`).join(' ');
}

export const agentCommand: CliCommand = {
  name: 'agent',
  summary: 'Show a VM\'s guest-agent data: host name, OS, IP addresses',
  usage: `Usage: proxmox-iac agent VMID [--node NODE] [connection options]

Asks the QEMU guest agent of VM VMID for its host name, OS and network interfaces. Fails with a clear
message when the agent is not configured, the VM is not running, or the agent does not answer. A
command the agent does not support is named on stderr and left out (null in JSON, listed in "unsupported").

${CONNECTION_USAGE}

Exit status: 0 the agent answered, 1 it did not (the message says why), 2 usage error.`,
  run(args, io) {
    let url: string | undefined;
    return runWithClient(
      'agent',
      io,
      async () => {
        const { flags, positional } = parseArgs(args, [...CONNECTION_FLAGS, 'node']);
        if (positional.length !== 1) throw new UsageError('give exactly one VMID');
        const vmid = Number(positional[0]);
        if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) throw new UsageError(`'${positional[0]}' is not a VMID (100–999999999)`);
        const format = outputFormat(flags);
        const client = clientFromArgs(flags, io);
        url = client.target.url;
        let node = flags.get('node');
        if (node === undefined) {
          const guest = (await client.clusterResources()).guests.find((g) => g.vmid === vmid);
          if (!guest) throw new GuestNotFoundError(`VM ${vmid} is not in /cluster/resources (or the token lacks VM.Audit on /vms/${vmid})`);
          if (guest.type !== 'qemu') throw new UsageError(`${vmid} is a container; only VMs have a QEMU guest agent`);
          node = guest.node;
        }
        const ref = { node, type: 'qemu' as const, vmid };
        // A command this agent lacks (old agent, Windows, disabled RPC) is reported and skipped: the rest still shows.
        const unsupported: string[] = [];
        const optional = async <T>(command: string, f: () => Promise<T>): Promise<T | null> => {
          try {
            return await f();
          } catch (err) {
            if (!(err instanceof AgentCommandError) || !err.unsupported) throw err;
            unsupported.push(command);
            io.err(`proxmox-iac agent: ${safeText(err.message)}`);
            return null;
          }
        };
        const hostname = await optional('get-host-name', () => client.agentHostName(ref));
        const osinfo = await optional('get-osinfo', () => client.agentOsInfo(ref));
        const interfaces = (await optional('network-get-interfaces', () => client.agentNetworkInterfaces(ref))) ?? [];
        if (format === 'json') {
          io.out(safeJson({ vmid, node, hostname, osinfo, interfaces, unsupported }));
        } else {
          const os = osinfo ? (osinfo.prettyName ?? osinfo.name ?? 'unknown OS') : 'OS not reported (get-osinfo not supported)';
          io.out(`VM ${vmid} on ${safeText(node)}: ${hostname === null ? '(host name not reported)' : safeText(hostname)} — ${safeText(os)}`);
          io.out(
            table(
              ['INTERFACE', 'MAC', 'ADDRESSES'],
              interfaces.map((i) => [i.name, i.hardwareAddress ?? '', addressCell(i, io.err)]),
            ),
          );
        }
        return EXIT_OK;
      },
      () => url,
    );
  },
};
