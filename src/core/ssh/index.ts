// SSH transport: connections with host-key verification, safely quoted commands, SFTP uploads.
export * from './errors';
export * from './quote';
export { fingerprintSha256, normalizeFingerprint, parseKnownHosts, formatKnownHostsLine, checkHostKey } from './knownHosts';
export type { KnownHostEntry, HostKeyCheck } from './knownHosts';
export { SshSession } from './session';
export type { SshConnectOptions, HostKeyInfo, ExecOptions, ExecResult, RunResult, UploadOptions } from './session';
