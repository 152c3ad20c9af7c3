/**
 * What a connection authenticates with and trusts: the host-key algorithm order, the identity files (decrypted
 * once, with the caller's passphrase prompt) and the known_hosts entries.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ParsedKey } from 'ssh2';
import { SshKeyFileError } from './errors';
import { parseKnownHosts, type KnownHostEntry } from './knownHosts';
import type { SshConnectOptions } from './types';

export type Ssh2Module = typeof import('ssh2');

export const DEFAULT_SERVER_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Host-key algorithms with the ones we already know for the host first, like OpenSSH, so a server with several
 * keys presents the one in known_hosts instead of triggering a prompt. */
export function hostKeyAlgorithmsPreferring(knownTypes: readonly string[]): string[] {
  const preferred: string[] = [];
  for (const t of knownTypes) {
    const algs = t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t];
    for (const a of algs) if (DEFAULT_SERVER_HOST_KEY_ALGORITHMS.includes(a) && !preferred.includes(a)) preferred.push(a);
  }
  return [...preferred, ...DEFAULT_SERVER_HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
}

/** SSH_AUTH_SOCK, or on Windows the OpenSSH agent's named pipe (an agent that is not running is skipped). */
export function defaultAgent(): string | undefined {
  if (process.env.SSH_AUTH_SOCK) return process.env.SSH_AUTH_SOCK;
  return process.platform === 'win32' ? '\\\\.\\pipe\\openssh-ssh-agent' : undefined;
}

export function defaultKnownHostsFiles(): string[] {
  return [join(homedir(), '.ssh', 'known_hosts')];
}

function defaultIdentityFiles(): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(homedir(), '.ssh', n));
}

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export interface LoadedKey {
  readonly file: string;
  /** Parsed (and decrypted) once here: ssh2 would otherwise rerun the slow bcrypt KDF of encrypted keys. */
  readonly key: ParsedKey;
}

/** parseKey returns an array for files holding several keys; we use the first, as OpenSSH does. */
function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('the file holds no key')) : parsed;
}

export async function loadIdentities(ssh2: Ssh2Module, o: SshConnectOptions, port: number): Promise<LoadedKey[]> {
  const explicit = o.identityFiles !== undefined;
  const files = o.identityFiles ?? defaultIdentityFiles();
  const keys: LoadedKey[] = [];
  for (const file of files) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (err) {
      // Default key files are optional; a file the user named must exist.
      if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new SshKeyFileError(o.host, port, file, `${(err as Error).message}. Check the path in the connection settings.`, { cause: err });
    }
    const parsed = firstKey(ssh2.utils.parseKey(data));
    if (!(parsed instanceof Error)) {
      if (!parsed.isPrivateKey()) {
        throw new SshKeyFileError(o.host, port, file, 'it is a public key. Choose the private key file (the one without .pub).');
      }
      keys.push({ file, key: parsed });
      continue;
    }
    if (!/encrypted|passphrase/i.test(parsed.message)) {
      throw new SshKeyFileError(o.host, port, file, `it is not a private key ssh2 can read (${parsed.message}). Use an OpenSSH or PEM private key.`);
    }
    const passphrase = await o.passphrase?.(file);
    if (passphrase === undefined) continue; // No way to ask, or the user declined: try the other methods.
    const decrypted = firstKey(ssh2.utils.parseKey(data, passphrase));
    if (decrypted instanceof Error) {
      throw new SshKeyFileError(o.host, port, file, 'the passphrase is wrong. Enter it again.', { cause: decrypted });
    }
    keys.push({ file, key: decrypted });
  }
  return keys;
}

export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const entries: KnownHostEntry[] = [];
  for (const file of files) {
    const text = await readIfExists(file);
    if (text !== undefined) entries.push(...parseKnownHosts(text).map((e) => ({ ...e, source: file })));
  }
  return entries;
}
