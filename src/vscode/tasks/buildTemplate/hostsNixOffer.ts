import * as vscode from 'vscode';
import { readBoundedText } from '../../../core/fs/boundedRead';
import { templateVmidEdit } from '../../../core/template/hostsNix';

export const UPDATE_HOSTS_NIX = 'Update hosts.nix';

/**
 * After a build: offers to set `_proxmox.templateVmid` in hosts.nix to the new template's VMID, through a
 * WorkspaceEdit (undoable, and an open editor shows it at once), then saves the file.
 */
export async function offerTemplateVmidUpdate(hostsNix: string, vmid: number, ready: string): Promise<boolean> {
  const text = await readBoundedText(hostsNix).catch(() => undefined);
  const uri = vscode.Uri.file(hostsNix);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const current = open ? open.getText() : text;
  const edit = current === undefined ? undefined : templateVmidEdit(current, vmid);
  if (!edit) {
    void vscode.window.showInformationMessage(ready);
    return false;
  }
  const choice = await vscode.window.showInformationMessage(`${ready} Set templateVmid = ${vmid} in hosts.nix?`, UPDATE_HOSTS_NIX);
  if (choice !== UPDATE_HOSTS_NIX) return false;
  const doc = await vscode.workspace.openTextDocument(uri);
  // Offsets from the text we read; the document may have changed meanwhile, so compute them again on it.
  const fresh = templateVmidEdit(doc.getText(), vmid);
  if (!fresh) return false;
  const we = new vscode.WorkspaceEdit();
  we.replace(uri, new vscode.Range(doc.positionAt(fresh.start), doc.positionAt(fresh.end)), fresh.text);
  if (!(await vscode.workspace.applyEdit(we))) return false;
  await doc.save();
  return true;
}
