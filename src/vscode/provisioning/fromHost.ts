/**
 * "Provision from hosts.nix Host": the same pipeline as "Provision from Manifest Node", driven by the host's
 * resolved `proxmox` set and the fleet's `_proxmox` settings (src/core/provision/fromHostsNix.ts). hosts.nix
 * is evaluated with Nix, which runs the file's code: the caller refuses untrusted workspaces first.
 */
import * as vscode from 'vscode';
import { checkAnswers, suggestVmid, type TakenIds } from '../../core/provision/answers';
import { answersForHost, hostsNixHosts, templateForHost } from '../../core/provision/fromHostsNix';
import { evaluateNixText, NIX_NOT_INSTALLED_MESSAGE } from '../../core/iac/nix/index';
import { templateFacts } from '../../core/provision/template';
import type { PveApi } from '../../core/pve/api';
import type { Guest } from '../../core/pve/types';
import type { ConnectionSettings } from '../connections/store';
import { pickStep } from '../connections/steps';
import { iacTargets } from './sources';

const TITLE = 'Provision from hosts.nix Host';

export interface FromHostArgs {
  /** hosts.nix path (absolute); asked when absent. */
  readonly file?: string;
  /** The host's attribute name; asked when absent. */
  readonly host?: string;
  readonly connection?: string;
  readonly dryRun?: boolean;
  /** Ask before provisioning even though the host is given (the code lens). */
  readonly confirm?: boolean;
}

export interface HostPlan {
  readonly api: PveApi;
  readonly answers: ReturnType<typeof answersForHost>;
  readonly facts: ReturnType<typeof templateFacts>;
  readonly file: string;
}

export interface FromHostDeps {
  readonly connectionFor: (ref?: string) => ConnectionSettings | undefined;
  readonly api: (c: ConnectionSettings) => Promise<PveApi>;
  readonly taken: (live: readonly Guest[], except: { file: string; name: string }) => Promise<TakenIds>;
}

/** Resolves the host to the pipeline's answers; undefined when the user cancelled a pick. Throws with a sentence. */
export async function planFromHost(args: FromHostArgs | undefined, deps: FromHostDeps): Promise<HostPlan | undefined> {
  let uri = args?.file ? vscode.Uri.file(args.file) : undefined;
  if (!uri) {
    const files = (await iacTargets()).filter((t) => t.kind === 'hosts-nix');
    uri = await pickStep({ title: TITLE }, 'hosts.nix', files.map((t) => ({ label: vscode.workspace.asRelativePath(t.uri), value: t.uri })));
    if (!uri) return undefined;
  }
  const text = (await vscode.workspace.openTextDocument(uri)).getText();
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const evaluated = await evaluateNixText(uri.fsPath, text, { workspaceRoots: roots });
  if (evaluated.kind === 'not-installed') throw new Error(NIX_NOT_INSTALLED_MESSAGE);
  if (evaluated.kind !== 'ok') throw new Error(`Nix could not evaluate ${vscode.workspace.asRelativePath(uri)}${evaluated.kind === 'error' ? `: ${evaluated.error.message}` : ` (${evaluated.kind})`}. Fix the problems it shows first.`);
  const hosts = hostsNixHosts(evaluated.value);
  const key =
    args?.host ??
    (await pickStep(
      { title: TITLE },
      'Host to provision',
      hosts.map((h) => ({ label: h.key, description: [h.vmid !== undefined ? `VMID ${h.vmid}` : 'no vmid', h.refused ? 'read-only or imported' : ''].filter(Boolean).join(' · '), value: h.key })),
    ));
  if (!key) return undefined;
  const host = hosts.find((h) => h.key === key);
  if (!host) throw new Error(`${vscode.workspace.asRelativePath(uri)} has no host "${key}" with a \`proxmox\` set.`);
  if (host.refused) throw new Error(host.refused);
  const c = deps.connectionFor(args?.connection);
  if (!c) throw new Error('No connection: add one first (Proxmox: Add Connection).');
  const api = await deps.api(c);
  const snapshot = await api.clusterResources();
  const template = templateForHost(host, snapshot.guests);
  if (typeof template === 'string') throw new Error(template);
  const t = await deps.taken(snapshot.guests, { file: uri.fsPath, name: host.name });
  const vmid = host.vmid ?? suggestVmid(t, await api.nextId().catch(() => undefined));
  if (vmid === undefined) throw new Error(`${key} has no vmid and no VMID is free in proxmoxIac.validation.vmidRanges.`);
  const facts = templateFacts(await api.config({ node: template.node, type: 'qemu', vmid: template.vmid }));
  const answers = answersForHost(host, template, vmid);
  const problems = checkAnswers(answers, t, facts.diskGiB);
  if (problems.length) throw new Error(`${key} cannot be provisioned as declared: ${problems.join(' ')}`);
  return { api, answers, facts, file: uri.fsPath };
}
