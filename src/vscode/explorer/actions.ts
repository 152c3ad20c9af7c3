import * as vscode from 'vscode';
import { openSshTerminal } from '../ssh/terminal';
import { guestWho as who, hostOf, nodeWebUiUrl, pickGuestAddress, sshArgv, webUiUrl } from '../../core/explorer';
import type { Guest, PowerAction } from '../../core/pve/types';
import type { Config } from '../util/config';
import { configUri, GUEST_CONFIG_LANGUAGE } from './configDocument';
import { afterAction, guestTarget, mayModify, refOf, type Target } from './guestTarget';
import { runPowerAction } from './powerActions';
import type { Element, ExplorerProvider } from './provider';
import { SnapshotActions } from './snapshotActions';
import type { TaskRunner } from './tasks';
import { showErrorWithFix } from '../errors/showError';

/** Every guest, node and snapshot action: a command each, used by context menus and inline buttons. */
export class ExplorerActions {
  constructor(
    private readonly provider: ExplorerProvider,
    private readonly tasks: TaskRunner,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
    private readonly reveal: (el: Element) => Thenable<void>,
  ) {
    this.snapshots = new SnapshotActions(provider, tasks);
  }

  private readonly snapshots: SnapshotActions;

  register(): vscode.Disposable[] {
    const cmd = (id: string, fn: (el?: Element) => unknown): vscode.Disposable =>
      vscode.commands.registerCommand(id, async (el?: Element) => {
        try {
          await fn(el);
        } catch (err) {
          void showErrorWithFix(this.log, undefined, err, { commandArg: el, logAs: `${id} failed` });
        }
      });
    const power = (action: PowerAction): vscode.Disposable =>
      cmd(`proxmoxIac.guest.${action}`, (el) => runPowerAction(this.provider, this.tasks, this.config, action, el));
    return [
      power('start'),
      power('shutdown'),
      power('stop'),
      power('reboot'),
      power('suspend'),
      power('resume'),
      cmd('proxmoxIac.guest.clone', (el) => this.clone(el)),
      cmd('proxmoxIac.guest.convertToTemplate', (el) => this.convertToTemplate(el)),
      cmd('proxmoxIac.guest.delete', (el) => this.destroy(el)),
      cmd('proxmoxIac.guest.createSnapshot', (el) => this.snapshots.create(el)),
      cmd('proxmoxIac.snapshot.rollback', (el) => this.snapshots.rollback(el)),
      cmd('proxmoxIac.snapshot.delete', (el) => this.snapshots.delete(el)),
      cmd('proxmoxIac.guest.openWebUi', (el) => this.openWebUi(el)),
      cmd('proxmoxIac.node.openWebUi', (el) => this.openNodeWebUi(el)),
      cmd('proxmoxIac.guest.ssh', (el) => this.sshToGuest(el)),
      cmd('proxmoxIac.node.ssh', (el) => this.sshToNode(el)),
      cmd('proxmoxIac.guest.copyVmid', (el) => this.copy(el, (g) => String(g.vmid))),
      cmd('proxmoxIac.guest.copyName', (el) => this.copy(el, (g) => g.name)),
      cmd('proxmoxIac.guest.copyIp', (el) => this.copyIp(el)),
      cmd('proxmoxIac.guest.showConfig', (el) => this.showConfig(el)),
      cmd('proxmoxIac.guest.revealInIac', (el) => this.revealInIac(el)),
      cmd('proxmoxIac.explorer.revealGuest', (el) => this.revealGuest(el)),
    ];
  }

  private target(el: Element | undefined, filter?: (g: Guest) => boolean): Promise<Target | undefined> {
    return guestTarget(this.provider, el, filter);
  }

  private mayModify(t: Target, action: string): boolean {
    return mayModify(this.provider, t, action);
  }

  private afterAction(t: Target): Promise<void> {
    return afterAction(this.provider, t);
  }

  // ---- clone, template, delete ----------------------------------------------------------------------

  async clone(el?: Element): Promise<void> {
    const t = await this.target(el);
    if (!t || !this.mayModify(t, 'Clone')) return;
    const api = await this.provider.api(t.state);
    const title = `Clone ${who(t.guest)}`;
    const suggested = await api.nextId();
    const taken = new Set([...t.state.subtree!.guests.values()].map((g) => g.vmid));
    const vmidText = await vscode.window.showInputBox({
      title,
      prompt: 'VMID of the new guest (the next free one is suggested)',
      value: String(suggested),
      validateInput: (v) =>
        !/^\d+$/.test(v) || Number(v) < 100 || Number(v) > 999_999_999
          ? 'Enter a number from 100 to 999999999.'
          : taken.has(Number(v))
            ? `VMID ${v} is already in use.`
            : undefined,
    });
    if (!vmidText) return;
    const name = await vscode.window.showInputBox({
      title,
      prompt: 'Name of the new guest',
      value: `${t.guest.name || t.guest.vmid}-clone`,
      validateInput: (v) => (/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(v) ? undefined : 'Use letters, digits, dots and hyphens (a DNS name).'),
    });
    if (!name) return;
    let full = true;
    if (t.guest.template) {
      const mode = await vscode.window.showQuickPick(
        [
          { label: 'Linked clone', description: 'fast, shares the template’s disks', full: false },
          { label: 'Full clone', description: 'independent copy of every disk', full: true },
        ],
        { title, placeHolder: 'Clone mode' },
      );
      if (!mode) return;
      full = mode.full;
    }
    const nodes = t.state.snapshot?.nodes.filter((n) => n.status === 'online').map((n) => n.node) ?? [t.guest.node];
    const target = await vscode.window.showQuickPick(
      nodes.map((n) => ({ label: n, description: n === t.guest.node ? 'same node' : undefined })),
      { title, placeHolder: 'Target node' },
    );
    if (!target) return;
    const newid = Number(vmidText);
    await this.tasks.run(
      api,
      `Cloning ${who(t.guest)} to ${name} (VMID ${newid})`,
      (signal) => api.clone(refOf(t.guest), { newid, name, full, ...(target.label !== t.guest.node ? { target: target.label } : {}) }, { signal }),
      `Cloned ${who(t.guest)} to ${name} (VMID ${newid}) on ${target.label}.`,
    );
    await this.afterAction(t);
  }

  async convertToTemplate(el?: Element): Promise<void> {
    const t = await this.target(el, (g) => !g.template);
    if (!t || !this.mayModify(t, 'Convert to Template')) return;
    if (t.guest.status === 'running') {
      void vscode.window.showWarningMessage(`${who(t.guest)} is running. Shut it down first; only stopped guests can become templates.`);
      return;
    }
    const ok = await vscode.window.showWarningMessage(
      `Convert ${who(t.guest)} to a template?`,
      { modal: true, detail: 'A template cannot be started again; it can only be cloned. This cannot be undone.' },
      'Convert to Template',
    );
    if (ok !== 'Convert to Template') return;
    const api = await this.provider.api(t.state);
    await this.tasks.run(api, `Converting ${who(t.guest)} to a template`, (signal) => api.template(refOf(t.guest), { signal }), `${who(t.guest)} is now a template.`);
    await this.afterAction(t);
  }

  async destroy(el?: Element): Promise<void> {
    const t = await this.target(el);
    if (!t || !this.mayModify(t, 'Delete')) return;
    if (t.guest.status === 'running') {
      void vscode.window.showWarningMessage(`${who(t.guest)} is running. Stop it first, then delete it.`);
      return;
    }
    const ok = await vscode.window.showWarningMessage(
      `Delete ${who(t.guest)} on ${t.guest.node}?`,
      { modal: true, detail: 'This destroys the guest and its disks on the cluster. It cannot be undone.' },
      'Delete…',
    );
    if (ok !== 'Delete…') return;
    const typed = await vscode.window.showInputBox({
      title: `Delete ${who(t.guest)}`,
      prompt: `Type ${t.guest.vmid} to confirm deleting ${who(t.guest)}`,
      validateInput: (v) => (v === '' || v === String(t.guest.vmid) ? undefined : `Type exactly ${t.guest.vmid}.`),
    });
    if (typed !== String(t.guest.vmid)) return;
    const api = await this.provider.api(t.state);
    await this.tasks.run(api, `Deleting ${who(t.guest)}`, (signal) => api.destroy(refOf(t.guest), { signal }), `${who(t.guest)} was deleted.`);
    await this.afterAction(t);
  }

  // ---- links, terminals, clipboard, config --------------------------------------------------------

  async openWebUi(el?: Element): Promise<void> {
    const t = await this.target(el);
    if (!t) return;
    await vscode.env.openExternal(vscode.Uri.parse(webUiUrl(t.state.settings.url, t.guest)));
  }

  async openNodeWebUi(el?: Element): Promise<void> {
    const row = el ? this.provider.row(el.id) : undefined;
    const s = el ? this.provider.stateOf(el.id) : undefined;
    if (!row?.node || !s) return;
    await vscode.env.openExternal(vscode.Uri.parse(nodeWebUiUrl(s.settings.url, row.node)));
  }

  async sshToGuest(el?: Element): Promise<void> {
    const t = await this.target(el, (g) => g.status === 'running' && !g.template);
    if (!t) return;
    const ips = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Asking the guest agent of ${who(t.guest)} for its address…` }, () =>
      this.provider.agentAddresses(t.state, t.guest),
    );
    // pickGuestAddress keeps only real IP addresses: the agent's report comes from inside the guest.
    const host = ips?.length ? pickGuestAddress([{ name: 'any', addresses: ips.map((a) => ({ address: a, family: a.includes(':') ? 'ipv6' : 'ipv4' })) }]) : undefined;
    if (!host) {
      void vscode.window.showWarningMessage(
        `The guest agent of ${who(t.guest)} reported no address. Start qemu-guest-agent in the guest (and enable the agent option), or use "SSH to Node".`,
      );
      return;
    }
    const user = this.config.get<string>('explorer.sshUser', 'root');
    await openSshTerminal(t.guest.name || String(t.guest.vmid), `${who(t.guest)} at ${host}`, sshArgv({ user: user || undefined, host }));
  }

  async sshToNode(el?: Element): Promise<void> {
    const row = el ? this.provider.row(el.id) : undefined;
    const s = el ? this.provider.stateOf(el.id) : undefined;
    if (!s || !row?.node) {
      void vscode.window.showInformationMessage('Choose a node in the Proxmox explorer to open an SSH terminal to it.');
      return;
    }
    // The API host is the only address of a node the cluster listing gives; other nodes by their name.
    const host = s.snapshot && s.snapshot.nodes.length === 1 ? hostOf(s.settings.url) : row.node;
    const user = this.config.get<string>('explorer.sshUser', 'root');
    // Checks first that the node is reachable, and otherwise says why instead of a terminal that fails.
    await openSshTerminal(row.node, `node ${row.node}`, sshArgv({ user: user || undefined, host }));
  }

  async copy(el: Element | undefined, pick: (g: Guest) => string): Promise<void> {
    const t = await this.target(el);
    if (!t) return;
    const text = pick(t.guest);
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
  }

  async copyIp(el?: Element): Promise<void> {
    const t = await this.target(el, (g) => g.status === 'running');
    if (!t) return;
    const ips = await this.provider.agentAddresses(t.state, t.guest);
    if (!ips?.length) {
      void vscode.window.showWarningMessage(`The guest agent of ${who(t.guest)} reported no address. Is qemu-guest-agent running in the guest?`);
      return;
    }
    const ip = ips.length === 1 ? ips[0] : (await vscode.window.showQuickPick(ips, { placeHolder: 'Which address?' }));
    if (!ip) return;
    await vscode.env.clipboard.writeText(ip);
    vscode.window.setStatusBarMessage(`Copied ${ip}`, 3000);
  }

  async showConfig(el?: Element): Promise<void> {
    const t = await this.target(el);
    if (!t) return;
    let doc = await vscode.workspace.openTextDocument(configUri(t.state.settings.id, refOf(t.guest), t.guest.name));
    // The file association names the language; a user's own files.associations for `*.conf` may win over it.
    if (doc.languageId !== GUEST_CONFIG_LANGUAGE) doc = await vscode.languages.setTextDocumentLanguage(doc, GUEST_CONFIG_LANGUAGE);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async revealInIac(el?: Element): Promise<void> {
    const row = el ? this.provider.row(el.id) : undefined;
    let declarations = row?.declaration ? [row.declaration] : [];
    if (!row?.declaration) {
      const t = await this.target(el);
      if (!t) return;
      declarations = [...this.provider.declarationsOf(t.state, t.guest)];
      if (declarations.length === 0) {
        void vscode.window.showInformationMessage(`No IaC file in this workspace declares ${who(t.guest)}.`);
        return;
      }
    }
    const chosen =
      declarations.length === 1
        ? declarations[0]
        : (
            await vscode.window.showQuickPick(
              declarations.map((d) => ({ label: vscode.workspace.asRelativePath(d.file), description: `line ${d.range.start.line + 1}`, d })),
              { placeHolder: 'Declared in several files' },
            )
          )?.d;
    if (!chosen) return;
    const range = new vscode.Range(chosen.range.start.line, chosen.range.start.character, chosen.range.end.line, chosen.range.end.character);
    await vscode.window.showTextDocument(vscode.Uri.file(chosen.file), { selection: range, preview: true });
  }

  async revealGuest(el?: Element): Promise<void> {
    const row = el ? this.provider.row(el.id) : undefined;
    const s = el ? this.provider.stateOf(el.id) : undefined;
    if (!row?.guestId || !s?.subtree) return;
    for (const [id, r] of s.subtree.rows) {
      if (r.kind === 'guest' && r.guestId === row.guestId) {
        await this.reveal({ id });
        return;
      }
    }
  }
}
