import * as vscode from 'vscode';
import type { ConnectionSettings, ConnectionStore } from './store';
import { decideCertificate } from './certificate';
import { runConnectionWizard } from './wizard';
import { showErrorWithFix } from '../errors/showError';

/** Resolves a connection from a tree element id (`conn:<id>…`), else asks. */
export async function chooseConnection(store: ConnectionStore, arg: unknown, placeHolder: string): Promise<ConnectionSettings | undefined> {
  const id = typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
  if (id?.startsWith('conn:')) {
    const slash = id.indexOf('/');
    const c = store.get(decodeURIComponent(id.slice(5, slash < 0 ? undefined : slash)));
    if (c) return c;
  }
  const list = store.list();
  if (list.length === 0) {
    void vscode.window.showInformationMessage('There is no Proxmox connection yet. Run "Proxmox: Add Connection" first.');
    return undefined;
  }
  if (list.length === 1) return list[0];
  const active = store.active()?.id;
  const picked = await vscode.window.showQuickPick(
    list.map((c) => ({ label: c.name, description: `${c.url}${c.id === active ? ' · active' : ''}`, c })),
    { placeHolder },
  );
  return picked?.c;
}

export function registerConnectionCommands(store: ConnectionStore, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const cmd = (id: string, fn: (arg?: unknown) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      try {
        await fn(arg);
      } catch (err) {
        void showErrorWithFix(log, undefined, err, { commandArg: arg, logAs: `${id} failed` });
      }
    });
  return [
    cmd('proxmoxIac.addConnection', () => runConnectionWizard(store, log)),
    cmd('proxmoxIac.connections.edit', async (arg) => {
      const c = await chooseConnection(store, arg, 'Which connection do you want to edit?');
      if (c) await runConnectionWizard(store, log, c);
    }),
    cmd('proxmoxIac.connections.remove', async (arg) => {
      const c = await chooseConnection(store, arg, 'Which connection do you want to remove?');
      if (!c) return;
      const ok = await vscode.window.showWarningMessage(
        `Remove the connection "${c.name}" (${c.url})?`,
        { modal: true, detail: 'Its settings and the stored secret are deleted from this machine. Nothing changes on the cluster.' },
        'Remove',
      );
      if (ok === 'Remove') await store.remove(c.id);
    }),
    cmd('proxmoxIac.connections.switch', async (arg) => {
      const c = await chooseConnection(store, arg, 'Switch the active Proxmox connection');
      if (c) await store.setActive(c.id);
    }),
    cmd('proxmoxIac.connections.enterSecret', async (arg) => {
      const c = await chooseConnection(store, arg, 'Enter the secret for which connection?');
      if (!c) return;
      const secret = await vscode.window.showInputBox({
        title: `Secret for "${c.name}"`,
        prompt: `${c.auth === 'token' ? `API token secret for ${c.tokenId ?? 'the token'}` : `Password for ${c.user ?? 'the user'}`} — stored in VS Code's secret storage only`,
        password: true,
        ignoreFocusOut: true,
      });
      if (secret) await store.storeSecret(c.id, secret);
    }),
    cmd('proxmoxIac.connections.trustCertificate', async (arg) => {
      const c = await chooseConnection(store, arg, 'Review the certificate of which connection?');
      if (!c) return;
      const updated = await decideCertificate(c, { previous: c.fingerprint });
      if (updated && updated.fingerprint !== c.fingerprint) await store.save(updated);
      else if (updated) void vscode.window.showInformationMessage(`The certificate of "${c.name}" matches the trusted fingerprint.`);
    }),
  ];
}
