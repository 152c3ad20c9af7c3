/** The Proxmox VE core in one import: client, typed errors, TLS trust helpers, UPIDs and the model. */
export { PveClient, type PveClientOptions } from './client';
export { encodeForm } from './paths';
export { throwIfFailed } from './taskWait';
export * from './errors';
export { probeCertificate, normalizeFingerprint, PinnedAgent, type CertificateInfo } from './tls';
export { parseUpid, formatUpid, type Upid } from './upid';
export type * from './types';
export type * from './api';
