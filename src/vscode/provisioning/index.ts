/**
 * Provisioning: "Proxmox: Provision VM from Template…" (the wizard, or its answers as command arguments for
 * keybindings and tasks) and "Proxmox: Add VM to IaC File…". Untrusted workspaces run nothing.
 */
import * as vscode from 'vscode';
import type { DeclaredGuest } from '../../core/iac/types';
import { checkAnswers, parseIpConfig, suggestVmid, type ProvisionAnswers } from '../../core/provision/answers';
import { takenIds } from '../../core/provision/taken';
import type { ProvisionResult } from '../../core/provision/run';
import type { PveApi } from '../../core/pve/api';
import { nodeFileSource } from '../../core/validate/nodeFiles';
import { loadProvisionYaml } from './yaml';
import { pickStep } from '../connections/steps';
import { iacTargets } from './sources';
import { macFromNet0, templateFacts } from '../../core/provision/template';
import type { Guest } from '../../core/pve/types';
import type { ConnectionSettings } from '../connections/store';
import { parseVmidRanges } from '../diagnostics/options';
import type { ExplorerApi } from '../explorer';
import { readonlyVmidsOf } from '../explorer/settings';
import type { Services } from '../services';
import { errorMessage } from '../util/log';
import { agentWaitOf, provisionWithProgress, showDryRun, type RunOutcome } from './run';
import { runProvisionWizard } from './wizard';
import { writeBack, type WriteBackOptions } from './writeBack';
import { showErrorWithFix } from '../errors/showError';
import { planFromHost, type FromHostArgs } from './fromHost';
import { ProvisionCodeLensProvider } from './lens';

/** The answers as command arguments (`proxmoxIac.provisionVm`), e.g. from a keybinding or a task. */
export interface ProvisionCommandArgs {
  /** Connection id or name (default: the active one). */
  readonly connection?: string;
  /** VMID of the template. */
  readonly template: number;
  readonly name: string;
  /** Default: the suggested free VMID. */
  readonly vmid?: number;
  /** Default: the template's node. */
  readonly node?: string;
  readonly cores?: number;
  readonly memory?: number;
  readonly diskGiB?: number;
  readonly storage?: string;
  /** Default true. */
  readonly full?: boolean;
  readonly ciuser?: string;
  readonly sshKeys?: readonly string[];
  /** "dhcp" or "ip=…/24,gw=…". */
  readonly ip?: string;
  readonly nameserver?: string;
  readonly start?: boolean;
  readonly dryRun?: boolean;
  /** Write the VM into this IaC file after success (or instead, with `writeOnly`). */
  readonly writeBack?: WriteBackOptions;
  readonly writeOnly?: boolean;
}

export type ProvisionCommandResult = RunOutcome | { readonly dryRun: readonly string[] } | { readonly written: string } | undefined;

function refuseUntrusted(what: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(`"${what}" is not available in an untrusted workspace: it changes the cluster and your IaC files. Trust the workspace (Manage Workspace Trust) first.`);
  return true;
}

/** The write-back after a provisioning: the VM's IP and MAC are known now (talos nodes.yaml needs both). */
async function writeBackAfter(api: PveApi, answers: ProvisionAnswers, r: ProvisionResult, options: WriteBackOptions): Promise<vscode.Uri | undefined> {
  const config: Record<string, unknown> = await api.config(r.vm).catch(() => ({}));
  const mac = macFromNet0(config.net0);
  return writeBack(answers, { ...(r.ip && /^\d+\.\d+\.\d+\.\d+$/.test(r.ip) ? { address: r.ip } : {}), ...(mac ? { macAddr: mac } : {}), ...options });
}

export function registerProvisioning(services: Services, explorer: ExplorerApi): vscode.Disposable {
  const { config, log } = services;
  const { store, pool, provider } = explorer;

  const taken = async (live: readonly Guest[], except?: { file: string; name: string }) => {
    const declared: readonly DeclaredGuest[] = ((await provider.declaredGuests().catch(() => undefined)) ?? []).filter((d) => !(except && d.file === except.file && d.name === except.name));
    return takenIds({ live, declared, readonlyVmids: readonlyVmidsOf(config), ranges: parseVmidRanges(config.get<unknown[]>('validation.vmidRanges', [])) });
  };

  const reveal = async (vmid: number): Promise<void> => {
    await provider.requestRefresh(0);
    for (const s of provider.connectionStates()) {
      for (const [id, row] of s.subtree?.rows ?? []) {
        if (row.kind === 'guest' && row.guestId && s.subtree?.guests.get(row.guestId)?.vmid === vmid) {
          provider.ensureShown(id);
          await explorer.treeView.reveal(provider.element(id), { select: true, focus: true, expand: false });
          return;
        }
      }
    }
    void vscode.window.showInformationMessage(`VM ${vmid} is not in the explorer yet. Refresh the Proxmox view.`);
  };

  const connectionFor = (ref?: string): ConnectionSettings | undefined => {
    const list = store.list();
    if (ref) return list.find((c) => c.id === ref || c.name === ref);
    return store.active() ?? list[0];
  };

  async function fromArgs(args: ProvisionCommandArgs): Promise<ProvisionCommandResult> {
    const c = connectionFor(args.connection);
    if (!c) throw new Error(args.connection ? `No connection "${args.connection}". Add it first (Proxmox: Add Connection).` : 'No connection: add one first (Proxmox: Add Connection).');
    const api = await pool.get(c);
    const snapshot = await api.clusterResources();
    const tpl = snapshot.guests.find((g) => g.vmid === args.template && g.type === 'qemu');
    if (!tpl?.template) throw new Error(tpl ? `VM ${args.template} (${tpl.name}) is not a template. Convert it first or choose a template.` : `No VM ${args.template} on "${c.name}".`);
    const t = await taken(snapshot.guests);
    const facts = templateFacts(await api.config({ node: tpl.node, type: 'qemu', vmid: tpl.vmid }));
    const vmid = args.vmid ?? suggestVmid(t, await api.nextId().catch(() => undefined));
    if (vmid === undefined) throw new Error('No free VMID in the configured ranges (proxmoxIac.validation.vmidRanges). Pass one as "vmid".');
    const ip = parseIpConfig(args.ip ?? 'dhcp');
    if (typeof ip === 'string') throw new Error(ip);
    const answers: ProvisionAnswers = {
      template: { node: tpl.node, vmid: tpl.vmid, name: tpl.name },
      node: args.node ?? tpl.node,
      name: args.name,
      vmid,
      ...(args.cores !== undefined ? { cores: args.cores } : {}),
      ...(args.memory !== undefined ? { memory: args.memory } : {}),
      ...(args.diskGiB !== undefined ? { diskGiB: args.diskGiB } : {}),
      ...(args.storage ? { storage: args.storage } : {}),
      full: args.full ?? true,
      ...(args.start === false ? { start: false } : {}),
      ...(facts.cloudInit
        ? { cloudInit: { ...(args.ciuser ? { user: args.ciuser } : {}), ...(args.sshKeys?.length ? { sshKeys: args.sshKeys } : {}), ip, ...(args.nameserver ? { nameserver: args.nameserver } : {}) } }
        : {}),
    };
    const problems = checkAnswers(answers, t, facts.diskGiB);
    if (problems.length) throw new Error(problems.join(' '));
    if (args.dryRun) return { dryRun: await showDryRun(answers, facts, agentWaitOf(config), log) };
    if (args.writeOnly) {
      const uri = await writeBack(answers, args.writeBack ?? {});
      return uri ? { written: uri.fsPath } : undefined;
    }
    const outcome = await provisionWithProgress(api, answers, facts, agentWaitOf(config), log, { reveal, writeBack: (r) => writeBackAfter(api, answers, r, args.writeBack ?? {}) });
    if (outcome.ok && args.writeBack) await writeBack(answers, args.writeBack);
    return outcome;
  }

  async function provision(args?: ProvisionCommandArgs): Promise<ProvisionCommandResult> {
    if (refuseUntrusted('Provision VM from Template')) return undefined;
    try {
      if (args && typeof args === 'object' && typeof args.template === 'number') return await fromArgs(args);
      const connections = store.list();
      if (!connections.length) {
        void vscode.window.showWarningMessage('Add a connection to a Proxmox VE cluster first (Proxmox: Add Connection).');
        return undefined;
      }
      // From the explorer's context menu on a template: that connection and template come preselected.
      const rowId: unknown = args && typeof args === 'object' ? (args as { id?: unknown }).id : undefined;
      const row = typeof rowId === 'string' ? provider.guestOf(rowId) : undefined;
      const preset = row?.guest.template && row.guest.type === 'qemu' ? { connectionId: row.state.settings.id, templateVmid: row.guest.vmid } : undefined;
      const chosen = await runProvisionWizard({ connections, api: (c) => pool.get(c), taken: (_c, live) => taken(live) }, preset);
      if (!chosen) return undefined;
      const { answers, facts } = chosen;
      if (chosen.action === 'dry-run') return { dryRun: await showDryRun(answers, facts, agentWaitOf(config), log) };
      if (chosen.action === 'write-only') {
        const uri = await writeBack(answers);
        return uri ? { written: uri.fsPath } : undefined;
      }
      const api = await pool.get(chosen.connection);
      const outcome = await provisionWithProgress(api, answers, facts, agentWaitOf(config), log, { reveal, writeBack: (r) => writeBackAfter(api, answers, r, {}) });
      void provider.requestRefresh(0);
      return outcome;
    } catch (err) {
      void showErrorWithFix(log, 'Provision VM from Template', err);
      return { ok: false, error: errorMessage(err) };
    }
  }

  /** "Provision from Manifest Node": the same pipeline driven by the node's resolved configuration. */
  async function fromManifestNode(args?: { file?: string; node?: string; connection?: string; dryRun?: boolean }): Promise<ProvisionCommandResult> {
    if (refuseUntrusted('Provision from Manifest Node')) return undefined;
    try {
      const svc = loadProvisionYaml();
      let uri = args?.file ? vscode.Uri.file(args.file) : undefined;
      if (!uri) {
        const manifests = (await iacTargets()).filter((t) => t.kind === 'manifest');
        uri = await pickStep({ title: 'Provision from Manifest Node' }, 'Manifest', manifests.map((t) => ({ label: vscode.workspace.asRelativePath(t.uri), value: t.uri })));
        if (!uri) return undefined;
      }
      const text = (await vscode.workspace.openTextDocument(uri)).getText();
      const nodeName = args?.node ?? (await pickStep({ title: 'Provision from Manifest Node' }, 'Node to provision', svc.manifestNodeNames(text).map((n) => ({ label: n, value: n }))));
      if (!nodeName) return undefined;
      const resolved = await svc.resolveManifestNode(nodeFileSource(), uri.fsPath, text, nodeName);
      if (typeof resolved === 'string') throw new Error(resolved);
      const c = connectionFor(args?.connection);
      if (!c) throw new Error('No connection: add one first (Proxmox: Add Connection).');
      const api = await pool.get(c);
      const snapshot = await api.clusterResources();
      const template = svc.templateForImage(resolved.image, snapshot.guests);
      if (typeof template === 'string') throw new Error(template);
      const t = await taken(snapshot.guests, { file: uri.fsPath, name: nodeName });
      const vmid = resolved.vmid ?? suggestVmid(t, await api.nextId().catch(() => undefined));
      if (vmid === undefined) throw new Error('The node has no vmid and no VMID is free in proxmoxIac.validation.vmidRanges.');
      const facts = templateFacts(await api.config({ node: template.node, type: 'qemu', vmid: template.vmid }));
      const answers = svc.answersFromResolved(resolved, template, vmid);
      const problems = checkAnswers(answers, t, facts.diskGiB);
      if (problems.length) throw new Error(`${nodeName} cannot be provisioned as declared: ${problems.join(' ')}`);
      if (args?.dryRun) return { dryRun: await showDryRun(answers, facts, agentWaitOf(config), log) };
      if (!args) {
        const go = await vscode.window.showInformationMessage(
          `Provision "${nodeName}" (VMID ${vmid}) as a full clone of ${template.vmid} ${template.name} on ${template.node}: ${answers.cores ?? '?'} cores, ${answers.memory ?? '?'} MiB, ${answers.diskGiB ?? '?'} GiB?`,
          { modal: true },
          'Provision',
        );
        if (go !== 'Provision') return undefined;
      }
      const outcome = await provisionWithProgress(api, answers, facts, agentWaitOf(config), log, { reveal, writeBack: () => writeBack(answers) });
      void provider.requestRefresh(0);
      return outcome;
    } catch (err) {
      void showErrorWithFix(log, 'Provision from Manifest Node', err);
      return { ok: false, error: errorMessage(err) };
    }
  }

  /** "Provision from hosts.nix Host": the same pipeline driven by the host's `proxmox` set and `_proxmox`. */
  async function fromHostsNixHost(arg?: FromHostArgs | vscode.Uri): Promise<ProvisionCommandResult> {
    if (refuseUntrusted('Provision from hosts.nix Host')) return undefined;
    // From the file explorer's context menu: the hosts.nix clicked on.
    const args: FromHostArgs | undefined = arg instanceof vscode.Uri ? { file: arg.fsPath } : arg;
    try {
      const plan = await planFromHost(args, { connectionFor, api: (c) => pool.get(c), taken: (live, except) => taken(live, except) });
      if (!plan) return undefined;
      const { api, answers, facts } = plan;
      if (args?.dryRun) return { dryRun: await showDryRun(answers, facts, agentWaitOf(config), log) };
      if (!args?.host || args.confirm) {
        const go = await vscode.window.showInformationMessage(
          `Provision "${answers.name}" (VMID ${answers.vmid}) as a full clone of ${answers.template.vmid} ${answers.template.name ?? ''} on ${answers.node}: ${answers.cores ?? '?'} cores, ${answers.memory ?? '?'} MiB, ${answers.diskGiB ?? '?'} GiB?`,
          { modal: true },
          'Provision',
        );
        if (go !== 'Provision') return undefined;
      }
      // The host is already declared in hosts.nix: nothing to write back.
      const outcome = await provisionWithProgress(api, answers, facts, agentWaitOf(config), log, { reveal });
      void provider.requestRefresh(0);
      return outcome;
    } catch (err) {
      void vscode.window.showErrorMessage(`Provision from hosts.nix Host: ${errorMessage(err)}`);
      return { ok: false, error: errorMessage(err) };
    }
  }

  return vscode.Disposable.from(
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/hosts.nix' }], new ProvisionCodeLensProvider(config)),
    vscode.commands.registerCommand('proxmoxIac.provisionFromManifestNode', fromManifestNode),
    vscode.commands.registerCommand('proxmoxIac.provisionFromHostsNixHost', fromHostsNixHost),
    vscode.commands.registerCommand('proxmoxIac.provisionVm', provision),
    vscode.commands.registerCommand('proxmoxIac.provision.addToIac', async (args?: { answers: ProvisionAnswers } & WriteBackOptions) => {
      if (refuseUntrusted('Add VM to IaC File')) return undefined;
      if (!args?.answers) {
        void vscode.window.showInformationMessage('Run "Proxmox: Provision VM from Template…" and choose "Only add it to an IaC file" (or add it after provisioning).');
        return undefined;
      }
      try {
        return (await writeBack(args.answers, args))?.fsPath;
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not add ${args.answers.name}: ${errorMessage(err)}`);
        return undefined;
      }
    }),
  );
}
