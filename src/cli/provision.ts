/**
 * `proxmox-iac provision --template VMID --name NAME [--dry-run]`: the extension's provisioning pipeline from
 * the command line — clone, config and cloud-init, resize, start, wait for the agent's IP — with the same
 * connection options as `resources`. A failure names the step and what exists; `--cleanup` deletes the
 * partial VM (never without that flag).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_FAILED, EXIT_OK, type CliCommand } from './command';
import { CONNECTION_FLAGS, CONNECTION_USAGE, clientFromArgs, outputFormat, parseArgs, runWithClient, UsageError } from './resources';
import { checkAnswers, parseIpConfig, parsePublicKeys, suggestVmid, type ProvisionAnswers } from '../core/provision/answers';
import { deletePartialVm } from '../core/provision/cleanup';
import { parseVmidRanges } from '../vscode/diagnostics/options';
import { describePlan, planProvision } from '../core/provision/plan';
import { ProvisionStepError, runProvision } from '../core/provision/run';
import { takenIds } from '../core/provision/taken';
import { templateFacts } from '../core/provision/template';
import { safeJson, safeText } from './safeText';

const usage = `Usage: proxmox-iac provision --template VMID --name NAME [options] [connection options]

Clones the template, sets size and cloud-init, grows the disk, starts the VM and waits for its guest agent
to report an IP, as "Proxmox: Provision VM from Template…" does. Prints the result as JSON (or the planned
API calls with --dry-run, making none).

  --template VMID        the template to clone (required)
  --name NAME            the new VM's name: ^[a-z][a-z0-9-]*$, unused in the cluster (required)
  --vmid N               default: /cluster/nextid, or the next free one in --vmid-range
  --node NODE            target node (default: the template's)
  --cores N --memory MiB --disk GiB      size (default: the template's; the disk only grows)
  --storage ID           storage for a full clone's disks
  --linked               linked clone (default: full)
  --ciuser USER          cloud-init user
  --ssh-key-file FILE    OpenSSH public keys for the user (repeatable)
  --ip dhcp|ip=CIDR,gw=GW  cloud-init network (default dhcp)
  --nameserver "A B"     DNS servers
  --no-start             clone and configure only
  --agent-timeout S      seconds to wait for the agent's IP (default 300); --agent-interval S (default 5)
  --readonly-vmids LIST  VMIDs never to use (comma-separated), as proxmoxIac.readonlyVmids
  --vmid-range LO-HI     allowed VMIDs (repeatable), as proxmoxIac.validation.vmidRanges
  --cleanup              delete the partial VM when a step fails
  --dry-run              print the API calls, make none

${CONNECTION_USAGE}

Exit status: 0 provisioned (or planned), 1 a step failed (the message names it and what exists), 2 usage error.`;

const VALUE_FLAGS = ['template', 'name', 'vmid', 'node', 'cores', 'memory', 'disk', 'storage', 'ciuser', 'ssh-key-file', 'ip', 'nameserver', 'agent-timeout', 'agent-interval', 'readonly-vmids', 'vmid-range'];

function int(flags: Map<string, string>, name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a whole number, not '${v}'`);
  return Number(v);
}

/** Repeatable flags: parseArgs keeps the last, so collect every occurrence here. */
function all(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a === `--${name}` && args[i + 1] !== undefined) out.push(args[i + 1]);
    else if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
  });
  return out;
}

export const provisionCommand: CliCommand = {
  name: 'provision',
  summary: 'Provision a VM from a template: clone, cloud-init, resize, start, wait for its IP',
  usage,
  run(args, io) {
    let url: string | undefined;
    return runWithClient(
      'provision',
      io,
      async () => {
        const { flags, positional } = parseArgs(args, [...CONNECTION_FLAGS, ...VALUE_FLAGS], ['linked', 'no-start', 'cleanup', 'dry-run']);
        if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
        outputFormat(flags);
        const templateVmid = int(flags, 'template');
        const name = flags.get('name');
        if (templateVmid === undefined || !name) throw new UsageError('give --template VMID and --name NAME');
        const ip = parseIpConfig(flags.get('ip') ?? 'dhcp');
        if (typeof ip === 'string') throw new UsageError(ip.replace(/\.$/, ''));
        const sshKeys: string[] = [];
        for (const f of all(args, 'ssh-key-file')) {
          let text: string;
          try {
            text = readFileSync(resolve(io.cwd, f), 'utf8');
          } catch (err) {
            throw new UsageError(`cannot read the key file ${f}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
          }
          const parsed = parsePublicKeys(text);
          if (!parsed.keys.length) throw new UsageError(`${f} holds no OpenSSH public key`);
          sshKeys.push(...parsed.keys);
        }
        const ranges = parseVmidRanges(all(args, 'vmid-range'));
        const readonlyVmids = (flags.get('readonly-vmids') ?? '').split(',').filter(Boolean).map(Number);
        const client = clientFromArgs(flags, io);
        url = client.target.url;
        const snapshot = await client.clusterResources();
        const tpl = snapshot.guests.find((g) => g.vmid === templateVmid && g.type === 'qemu');
        if (!tpl?.template) throw new UsageError(tpl ? `VM ${templateVmid} (${tpl.name}) is not a template` : `no VM ${templateVmid} in the cluster`);
        const taken = takenIds({ live: snapshot.guests, readonlyVmids, ranges });
        const facts = templateFacts(await client.config({ node: tpl.node, type: 'qemu', vmid: tpl.vmid }));
        const vmid = int(flags, 'vmid') ?? suggestVmid(taken, await client.nextId().catch(() => undefined));
        if (vmid === undefined) throw new UsageError('no free VMID in the given ranges; pass --vmid');
        const cores = int(flags, 'cores');
        const memory = int(flags, 'memory');
        const diskGiB = int(flags, 'disk');
        const storage = flags.get('storage');
        const ciuser = flags.get('ciuser');
        const nameserver = flags.get('nameserver');
        const answers: ProvisionAnswers = {
          template: { node: tpl.node, vmid: tpl.vmid, name: tpl.name },
          node: flags.get('node') ?? tpl.node,
          name,
          vmid,
          ...(cores !== undefined ? { cores } : {}),
          ...(memory !== undefined ? { memory } : {}),
          ...(diskGiB !== undefined ? { diskGiB } : {}),
          ...(storage ? { storage } : {}),
          full: !flags.has('linked'),
          ...(flags.has('no-start') ? { start: false } : {}),
          ...(facts.cloudInit ? { cloudInit: { ...(ciuser ? { user: ciuser } : {}), ...(sshKeys.length ? { sshKeys } : {}), ip, ...(nameserver ? { nameserver } : {}) } } : {}),
        };
        const problems = checkAnswers(answers, taken, facts.diskGiB);
        if (problems.length) throw new UsageError(problems.join(' ').replace(/\.$/, ''));
        const wait = { timeoutMs: (int(flags, 'agent-timeout') ?? 300) * 1000, intervalMs: (int(flags, 'agent-interval') ?? 5) * 1000 };
        const steps = planProvision(answers, facts, wait);
        if (flags.has('dry-run')) {
          io.out(describePlan(steps).map(safeText).join('\n'));
          return EXIT_OK;
        }
        try {
          const result = await runProvision(client, answers, steps, { agent: wait, onStep: (st, i, phase) => phase === 'start' && io.err(safeText(`${i + 1}/${steps.length} ${st.name}: ${st.title}`)) });
          io.out(safeJson(result));
          return EXIT_OK;
        } catch (err) {
          if (!(err instanceof ProvisionStepError)) throw err;
          io.err(`proxmox-iac provision: ${safeText(err.message)}`);
          if (err.leftOver !== 'nothing') {
            if (flags.has('cleanup')) {
              await deletePartialVm(client, err.vm);
              io.err(`proxmox-iac provision: deleted the partial VM ${err.vm.vmid}.`);
            } else io.err(`proxmox-iac provision: delete it with --cleanup next time, or in the explorer / web UI (VM ${err.vm.vmid} on ${safeText(err.vm.node)}).`);
          }
          return EXIT_FAILED;
        }
      },
      () => url,
    );
  },
};
