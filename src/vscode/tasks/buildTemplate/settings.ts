/** Settings under `proxmoxIac.buildTemplate.*` (their defaults match package.json). */
import type { Config } from '../../util/config';

export interface BuildTemplateSettings {
  /** The archive or the folder the build writes it to, relative to the workspace (default `result`). */
  readonly image: string;
  readonly remoteDir: string;
  /** 0: hosts.nix `templateVmid`, else the next free VMID. */
  readonly vmid: number;
  readonly node: string;
  readonly storage: string;
  readonly sshHost: string;
  readonly sshPort: number;
  readonly sshUser: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
}

export function buildTemplateSettings(config: Config): BuildTemplateSettings {
  const s = (key: string, fallback = '') => config.get(`buildTemplate.${key}`, fallback).trim();
  return {
    image: s('image', 'result') || 'result',
    remoteDir: s('remoteDir', '/var/lib/vz/dump') || '/var/lib/vz/dump',
    vmid: config.get('buildTemplate.vmid', 0),
    node: s('node'),
    storage: s('storage'),
    sshHost: s('sshHost'),
    sshPort: config.get('buildTemplate.sshPort', 22),
    sshUser: s('sshUser', 'root') || 'root',
    identityFile: s('identityFile'),
    knownHostsFile: s('knownHostsFile'),
  };
}
