/**
 * "Add to manifest" / "Add to hosts.nix": the new VM written into an IaC file. The text edits are computed
 * in core (yaml's Document API for manifests, careful insertion for Nix) and applied as a WorkspaceEdit, so
 * the change is undoable and the rest of the file, comments included, stays as it was.
 */
import * as vscode from 'vscode';
import { addHostEdit } from '../../core/iac/nix/edit';
import type { ProvisionAnswers } from '../../core/provision/answers';
import type { TextEdit } from '../../core/validate/api';
import { pickStep, inputStep, type PickItem } from '../connections/steps';
import { loadProvisionYaml } from './yaml';
import { iacTargets, type IacTarget } from './sources';

export interface WriteBackOptions {
  /** Path of the file (absolute, or relative to the first workspace folder); asked when absent. */
  readonly file?: string;
  /** Manifest parent node name; null: a root node. Asked when absent. */
  readonly parent?: string | null;
  /** Manifest `image`; default: the template's name without "-template". */
  readonly image?: string;
  /** Manifest `spec`. */
  readonly spec?: string;
  /** talos nodes.yaml: the node's address (default: the VM's IP or static address), MAC, schematic id, role. */
  readonly address?: string;
  readonly macAddr?: string;
  readonly schematicId?: string;
  readonly controller?: boolean;
}

const TITLE = 'Add the VM to an IaC File';

function toRange(e: TextEdit): vscode.Range {
  return new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character);
}

function resolveFile(file: string): vscode.Uri {
  if (/^([a-z]:)?[\\/]/i.test(file)) return vscode.Uri.file(file);
  const root = vscode.workspace.workspaceFolders?.[0];
  if (!root) throw new Error(`"${file}" is relative, and no folder is open.`);
  return vscode.Uri.joinPath(root.uri, file);
}

/** Returns the file written, or undefined when the user cancelled. Throws with a sentence when the file cannot take the VM. */
export async function writeBack(a: ProvisionAnswers, options: WriteBackOptions = {}): Promise<vscode.Uri | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Writing the VM into IaC files is not available in an untrusted workspace. Trust the workspace first.');
    return undefined;
  }
  let target: IacTarget | undefined;
  if (options.file) {
    const uri = resolveFile(options.file);
    target = { uri, kind: uri.path.endsWith('hosts.nix') ? 'hosts-nix' : /\/nodes(\.sample)?\.ya?ml$/.test(uri.path) ? 'talos-nodes' : 'manifest' };
  } else {
    const targets = await iacTargets();
    if (!targets.length) {
      void vscode.window.showWarningMessage('This workspace has no manifest (site-config manifests/*.yaml) or hosts.nix to add the VM to.');
      return undefined;
    }
    const what = { manifest: '$(list-tree) Add to manifest', 'hosts-nix': '$(symbol-namespace) Add to hosts.nix', 'talos-nodes': '$(server) Add to talos nodes.yaml' } as const;
    const items: PickItem<IacTarget>[] = targets.map((t) => ({ label: `${what[t.kind]} ${vscode.workspace.asRelativePath(t.uri)}`, value: t }));
    target = await pickStep({ title: TITLE }, `Where to declare ${a.name} (VMID ${a.vmid})`, items);
    if (!target) return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(target.uri);
  const text = doc.getText();
  let edit: TextEdit;
  if (target.kind === 'hosts-nix') {
    edit = addHostEdit(text, {
      name: a.name,
      vmid: a.vmid,
      ...(a.cores !== undefined ? { cores: a.cores } : {}),
      ...(a.memory !== undefined ? { memory: a.memory } : {}),
      ...(a.diskGiB !== undefined ? { disk: `${a.diskGiB}G` } : {}),
      ...(a.storage ? { storage: a.storage } : {}),
    });
  } else if (target.kind === 'talos-nodes') {
    const svc = loadProvisionYaml();
    const ask = async (prompt: string, value: string | undefined, check: (v: string) => string | undefined): Promise<string | undefined> =>
      (await inputStep({ title: TITLE }, { prompt, value: value ?? '', validate: (v) => check(v.trim()) }))?.trim();
    const staticIp = a.cloudInit && 'cidr' in a.cloudInit.ip ? a.cloudInit.ip.cidr.split('/')[0] : undefined;
    const address = options.address ?? (await ask('Node address (IPv4, inside node_cidr)', staticIp, (v) => (/^(\d{1,3}\.){3}\d{1,3}$/.test(v) ? undefined : 'Enter an IPv4 address, e.g. 192.168.1.50.')));
    if (address === undefined) return undefined;
    const macAddr = options.macAddr ?? (await ask('MAC address of the VM’s NIC (lower case, colon-separated)', undefined, (v) => (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(v) ? undefined : 'Enter the MAC as aa:bb:cc:dd:ee:ff (lower case); the VM’s net0 has it.')));
    if (macAddr === undefined) return undefined;
    const schematicId = options.schematicId ?? (await ask('Talos schematic id (64 characters from factory.talos.dev)', svc.existingSchematicId(text), (v) => (/^[a-z0-9]{64}$/.test(v) ? undefined : 'Enter the 64-character schematic id from https://factory.talos.dev/.')));
    if (schematicId === undefined) return undefined;
    let controller = options.controller;
    if (controller === undefined) {
      controller = await pickStep({ title: TITLE }, `Role of ${a.name}`, [{ label: 'Worker', value: false }, { label: 'Controller (control plane)', value: true }]);
      if (controller === undefined) return undefined;
    }
    edit = svc.minimalEdit(text, svc.addTalosNode(text, {
      name: a.name,
      address,
      controller,
      disk: '/dev/sda',
      macAddr,
      schematicId,
      vmId: a.vmid,
      ...(a.cores !== undefined ? { vmCores: a.cores } : {}),
      ...(a.memory !== undefined ? { vmMemory: a.memory } : {}),
      ...(a.diskGiB !== undefined && a.diskGiB >= 32 ? { vmDiskSize: a.diskGiB } : {}),
    }));
  } else {
    const svc = loadProvisionYaml();
    const names = svc.manifestNodeNames(text);
    let parent = options.parent;
    if (parent === undefined) {
      const items: PickItem<string | null>[] = [{ label: '(none)', description: 'a root node on the target host', value: null }, ...names.map((n) => ({ label: n, description: 'deploy under this node', value: n }))];
      parent = await pickStep({ title: TITLE }, `Parent of ${a.name} in ${vscode.workspace.asRelativePath(target.uri)}`, items);
      if (parent === undefined) return undefined;
    }
    const image = options.image ?? (await inputStep({ title: TITLE }, { prompt: 'Cloud image name (the manifest node’s `image`)', value: (a.template.name ?? '').replace(/-template$/, ''), validate: (v) => (v.trim() ? undefined : 'Enter the image name, e.g. debian-12.') }))?.trim();
    if (image === undefined) return undefined;
    edit = svc.addManifestNodeEdit(text, {
      name: a.name,
      type: 'vm',
      ...(options.spec ? { spec: options.spec } : {}),
      ...(a.preset ? { preset: a.preset } : {}),
      image,
      vmid: a.vmid,
      ...(!a.preset && a.diskGiB !== undefined ? { disk: a.diskGiB } : {}),
      ...(parent ? { parent } : {}),
    });
  }
  const we = new vscode.WorkspaceEdit();
  we.replace(target.uri, toRange(edit), edit.newText);
  if (!(await vscode.workspace.applyEdit(we))) throw new Error(`VS Code refused the edit of ${vscode.workspace.asRelativePath(target.uri)}.`);
  await doc.save();
  const start = edit.range.start.line + (edit.newText.startsWith('\n') ? 1 : 0);
  const shown = await vscode.window.showTextDocument(doc, { preview: false });
  const end = start + edit.newText.split('\n').length - 1;
  shown.selection = new vscode.Selection(start, 0, start, 0);
  shown.revealRange(new vscode.Range(start, 0, end, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  void vscode.window.showInformationMessage(`Added ${a.name} (VMID ${a.vmid}) to ${vscode.workspace.asRelativePath(target.uri)}.`);
  return target.uri;
}
