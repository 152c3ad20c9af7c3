/**
 * OpenSSH known_hosts parsing and host-key checks (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT").
 *
 * Supports plain and hashed (`|1|salt|hmac`) host fields, comma-separated patterns with `*`/`?` wildcards and
 * `!` negation, the `[host]:port` form for non-standard ports, and the `@revoked` marker (`@cert-authority`
 * lines are skipped: we do not do host certificates). Fingerprints are printed like OpenSSH: `SHA256:` + base64
 * without padding.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface KnownHostEntry {
  readonly marker?: 'revoked' | 'cert-authority';
  /** The raw host field (patterns or a hashed name). */
  readonly hosts: string;
  readonly keyType: string;
  readonly key: Buffer;
  /** 1-based line number, for messages. */
  readonly line: number;
  /** The file it came from, when read from one. */
  readonly source?: string;
}

/** Reads the algorithm name at the start of an SSH public key blob ("ssh-ed25519", "ecdsa-sha2-nistp256", …). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** "SHA256:…" exactly as `ssh-keygen -lf` and the ssh client print it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Normalises a pinned fingerprint as a user may paste it: with or without "SHA256:", with or without base64
 * padding. Returns undefined for anything that is not a SHA-256 fingerprint (MD5 "aa:bb:…" is refused).
 */
export function normalizeFingerprint(input: string): string | undefined {
  const trimmed = input.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(trimmed)) return undefined;
  return `SHA256:${trimmed}`;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue; // An unknown marker: OpenSSH ignores the line too.
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) continue;
    const key = Buffer.from(keyBase64, 'base64');
    // Skip lines whose key does not decode to a blob of the stated type (truncated or hand-edited lines).
    if (keyTypeOfBlob(key) !== keyType) continue;
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, key, line: i + 1 });
  }
  return entries;
}

function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether an entry's host field names `host:port`. */
export function hostFieldMatches(hosts: string, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const raw of hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!pattern) continue;
    if (wildcardToRegExp(pattern).test(name)) {
      if (negated) return false; // A matching negation wins over any positive match.
      matched = true;
    }
  }
  return matched;
}

export type HostKeyCheck =
  | { readonly status: 'known'; readonly entry: KnownHostEntry }
  | { readonly status: 'revoked'; readonly entry: KnownHostEntry }
  /** Keys of the same type are known for this host, and the presented one is none of them. */
  | { readonly status: 'mismatch'; readonly expected: readonly KnownHostEntry[] }
  /** No key of this type is known; `otherTypes` lists key types that are known (OpenSSH asks then, with a warning). */
  | { readonly status: 'unknown'; readonly otherTypes: readonly KnownHostEntry[] };

export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, presented: Buffer): HostKeyCheck {
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, host, port));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => !e.marker);
  const same = plain.find((e) => e.key.equals(presented));
  if (same) return { status: 'known', entry: same };
  const type = keyTypeOfBlob(presented);
  const sameType = plain.filter((e) => e.keyType === type);
  if (sameType.length) return { status: 'mismatch', expected: sameType };
  return { status: 'unknown', otherTypes: plain };
}

/** Key types known for a host, to offer them first in the key exchange (as OpenSSH does) and avoid false prompts. */
export function knownKeyTypesFor(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types: string[] = [];
  for (const e of entries) {
    if (e.marker || !hostFieldMatches(e.hosts, host, port)) continue;
    if (!types.includes(e.keyType)) types.push(e.keyType);
  }
  return types;
}

/** A known_hosts line for a newly trusted key; `hash` writes the host name hashed like `HashKnownHosts yes`. */
export function formatKnownHostsLine(host: string, port: number, blob: Buffer, options: { hash?: boolean } = {}): string {
  const name = knownHostsName(host, port);
  let field = name;
  if (options.hash) {
    const salt = randomBytes(20);
    field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  return `${field} ${keyTypeOfBlob(blob)} ${blob.toString('base64')}`;
}
