/**
 * Where the wizard's offers come from: size presets in the workspace's site-config, SSH public keys from
 * ssh-agent (`ssh-add -L`, an argument array) and ~/.ssh/*.pub (bounded reads), and the IaC files a new VM
 * can be written into.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { loadProvisionYaml } from './yaml';
import { readBoundedText } from '../../core/fs/boundedRead';
import { parsePublicKeys } from '../../core/provision/answers';

export interface SizePreset {
  readonly name: string;
  readonly cores: number;
  readonly memory: number;
  readonly diskGiB: number;
  readonly file: string;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  return uri.scheme === 'file' ? readBoundedText(uri.fsPath).catch(() => undefined) : undefined;
}

/** site-config `presets/*.yaml` with cores, memory and disk (vm-small …). */
export async function workspacePresets(): Promise<SizePreset[]> {
  const files = await vscode.workspace.findFiles('**/presets/*.{yaml,yml}', '**/node_modules/**', 50);
  const out: SizePreset[] = [];
  for (const uri of files) {
    if (/[\\/]vms[\\/]presets[\\/]/.test(uri.fsPath)) continue; // v1 presets: iac-driver v2 reads presets/
    const size = loadProvisionYaml().presetSize((await readText(uri)) ?? '');
    if (size) out.push({ name: uri.path.split('/').pop()!.replace(/\.ya?ml$/, ''), ...size, file: vscode.workspace.asRelativePath(uri) });
  }
  return out.sort((a, b) => a.memory - b.memory || a.name.localeCompare(b.name));
}

export interface KeySource {
  readonly label: string;
  readonly keys: readonly string[];
}

/** Keys ssh-agent holds; none when no agent runs. */
function agentKeys(): Promise<string[]> {
  return new Promise((resolve) => {
    if (!process.env.SSH_AUTH_SOCK) return resolve([]);
    execFile('ssh-add', ['-L'], { timeout: 5000, maxBuffer: 256 * 1024 }, (err, stdout) => resolve(err ? [] : parsePublicKeys(String(stdout)).keys));
  });
}

export async function sshKeySources(): Promise<KeySource[]> {
  const out: KeySource[] = [];
  const fromAgent = await agentKeys();
  if (fromAgent.length) out.push({ label: `ssh-agent (${fromAgent.length} key${fromAgent.length === 1 ? '' : 's'})`, keys: fromAgent });
  const dir = join(homedir(), '.ssh');
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names.filter((x) => x.endsWith('.pub')).sort()) {
    const text = await readBoundedText(join(dir, n)).catch(() => undefined);
    const keys = text ? parsePublicKeys(text).keys : [];
    if (keys.length) out.push({ label: `~/.ssh/${n}`, keys });
  }
  return out;
}

/** Reads a public key file the user chose. */
export async function keysFromFile(uri: vscode.Uri): Promise<{ keys: string[]; bad: string[] }> {
  const text = await readText(uri);
  return text === undefined ? { keys: [], bad: ['(unreadable or larger than 2 MiB)'] } : parsePublicKeys(text);
}

export type IacTargetKind = 'manifest' | 'hosts-nix' | 'talos-nodes';

export interface IacTarget {
  readonly kind: IacTargetKind;
  readonly uri: vscode.Uri;
}

/** Manifests (site-config `manifests/*.yaml`), hosts.nix files and talos nodes.yaml files of the workspace. */
export async function iacTargets(): Promise<IacTarget[]> {
  const [manifests, hosts, talos] = await Promise.all([
    vscode.workspace.findFiles('**/manifests/*.{yaml,yml}', '**/node_modules/**', 100),
    vscode.workspace.findFiles('**/hosts.nix', '**/node_modules/**', 20),
    vscode.workspace.findFiles('**/{nodes.yaml,nodes.sample.yaml}', '**/node_modules/**', 20),
  ]);
  const byPath = (a: vscode.Uri, b: vscode.Uri): number => a.fsPath.localeCompare(b.fsPath);
  return [...manifests.sort(byPath).map((uri) => ({ kind: 'manifest' as const, uri })), ...hosts.sort(byPath).map((uri) => ({ kind: 'hosts-nix' as const, uri })), ...talos.sort(byPath).map((uri) => ({ kind: 'talos-nodes' as const, uri }))];
}
