/**
 * SSH transport: connections with host-key verification, safely quoted commands, SFTP uploads.
 *
 *   const ssh = await SshSession.connect({
 *     host: 'pve1.lab', username: 'root',
 *     confirmHostKey: (k) => askUser(`Trust ${k.keyType} ${k.fingerprint}?`),   // unknown hosts only
 *     knownHostsWriteFile: join(homedir(), '.ssh', 'known_hosts'),             // remember accepted keys
 *     passphrase: (file) => askPassword(file),
 *   });
 *   const { stdout } = await ssh.runChecked(['qm', 'status', '100'], { signal });   // an argument vector, quoted for the remote shell
 *   await ssh.upload('nixos.qcow2', '/var/lib/vz/images/nixos.qcow2', { onProgress, signal });
 *   ssh.close();
 */
export * from './errors';
export * from './quote';
export { fingerprintSha256, normalizeFingerprint, parseKnownHosts, formatKnownHostsLine, checkHostKey } from './knownHosts';
export type { KnownHostEntry, HostKeyCheck } from './knownHosts';
export { SshSession } from './session';
export type { SshConnectOptions, HostKeyInfo, ExecOptions, ExecResult, RunResult, UploadOptions } from './session';
