import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { SshSession } from '../../../core/ssh/session';
import type { BuildTemplateSettings } from './settings';

const TRUST = 'Trust and Connect';

function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

/**
 * Opens the SSH connection to the node (ssh2 loads on first use): ssh-agent and the key file from the settings
 * (else ~/.ssh/id_*), the host key checked against known_hosts, and an unknown key trusted only when the user
 * says so in a dialog that shows its fingerprint (then remembered in that known_hosts file).
 */
export async function connectToNode(host: string, s: BuildTemplateSettings, signal: AbortSignal): Promise<SshSession> {
  const { SshSession } = await import('../../../core/ssh/session.js');
  const knownHosts = expandHome(s.knownHostsFile || join(homedir(), '.ssh', 'known_hosts'));
  return SshSession.connect({
    host,
    port: s.sshPort,
    username: s.sshUser,
    ...(s.identityFile ? { identityFiles: [expandHome(s.identityFile)] } : {}),
    knownHostsFiles: [knownHosts],
    knownHostsWriteFile: isAbsolute(knownHosts) ? knownHosts : undefined,
    signal,
    confirmHostKey: async (k) => {
      const changed = k.otherKnownKeyTypes.length ? ` (known_hosts has a ${k.otherKnownKeyTypes.join(', ')} key for it, not this type)` : '';
      const choice = await vscode.window.showWarningMessage(
        `The SSH host key of ${k.host}:${k.port} is not in ${knownHosts}${changed}: ${k.keyType} ${k.fingerprint}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the node before you trust it.`,
        { modal: true },
        TRUST,
      );
      return choice === TRUST;
    },
    passphrase: async (file) => vscode.window.showInputBox({ title: 'SSH key passphrase', prompt: `Passphrase of ${file}`, password: true, ignoreFocusOut: true }),
  });
}
