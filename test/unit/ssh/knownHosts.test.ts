import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hostFieldMatches,
  keyTypeOfBlob,
  knownKeyTypesFor,
  normalizeFingerprint,
  parseKnownHosts,
} from '../../../src/core/ssh/knownHosts';
import { generateKeyPair, type GeneratedKey, type KeyType } from '../../support/sshd';

let dir: string;
const keys = {} as Record<KeyType, GeneratedKey>;
const other = {} as Record<KeyType, GeneratedKey>;

const blobOf = (k: GeneratedKey) => Buffer.from(k.publicLine.split(' ')[1], 'base64');
const typeOf = (k: GeneratedKey) => k.publicLine.split(' ')[0];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pxiac-kh-'));
  for (const t of ['ed25519', 'ecdsa', 'rsa'] as const) {
    keys[t] = await generateKeyPair(join(dir, `host_${t}`), t);
    other[t] = await generateKeyPair(join(dir, `other_${t}`), t);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('fingerprints match what ssh-keygen -lf prints, for ed25519, ecdsa and rsa', () => {
  for (const k of Object.values(keys)) {
    const printed = execFileSync('ssh-keygen', ['-lf', `${k.path}.pub`], { encoding: 'utf8' }).split(' ')[1];
    assert.equal(fingerprintSha256(blobOf(k)), printed);
  }
  assert.equal(keyTypeOfBlob(blobOf(keys.ed25519)), 'ssh-ed25519');
  assert.equal(keyTypeOfBlob(blobOf(keys.ecdsa)), 'ecdsa-sha2-nistp256');
  assert.equal(keyTypeOfBlob(blobOf(keys.rsa)), 'ssh-rsa');
});

test('pinned fingerprints are accepted with or without the SHA256: prefix and padding; MD5 is refused', () => {
  const fp = keys.ed25519.fingerprint;
  assert.equal(normalizeFingerprint(fp), fp);
  assert.equal(normalizeFingerprint(fp.slice('SHA256:'.length)), fp);
  assert.equal(normalizeFingerprint(`${fp}=`), fp);
  assert.equal(normalizeFingerprint('MD5:12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0'), undefined);
  assert.equal(normalizeFingerprint('SHA256:short'), undefined);
});

test('plain entries match by name, [host]:port for other ports, patterns and negation', () => {
  assert.ok(hostFieldMatches('pve1,10.0.0.5', 'pve1', 22));
  assert.ok(hostFieldMatches('pve1,10.0.0.5', '10.0.0.5', 22));
  assert.ok(!hostFieldMatches('pve1', 'pve1', 2222), 'a port-22 entry must not vouch for port 2222');
  assert.ok(hostFieldMatches('[pve1]:2222', 'pve1', 2222));
  assert.ok(!hostFieldMatches('[pve1]:2222', 'pve1', 22));
  assert.ok(hostFieldMatches('*.lab.example', 'pve2.lab.example', 22));
  assert.ok(hostFieldMatches('pve?', 'pve3', 22));
  assert.ok(!hostFieldMatches('*.lab.example,!bad.lab.example', 'bad.lab.example', 22));
  assert.ok(hostFieldMatches('PVE1', 'pve1', 22), 'host names compare case-insensitively');
});

test('hashed entries written by ssh-keygen -H are found, for port 22 and [host]:port', () => {
  const file = join(dir, 'known_hosts_hashed');
  writeFileSync(
    file,
    [
      `pve1.lab ${keys.ed25519.publicLine}`,
      `[127.0.0.1]:2222 ${keys.ecdsa.publicLine}`,
      `10.1.2.3 ${keys.rsa.publicLine}`,
      '',
    ].join('\n'),
  );
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('pve1.lab') && text.includes('|1|'), 'ssh-keygen hashed the file');
  const entries = parseKnownHosts(text);
  assert.equal(entries.length, 3);
  assert.equal(checkHostKey(entries, 'pve1.lab', 22, blobOf(keys.ed25519)).status, 'known');
  assert.equal(checkHostKey(entries, '127.0.0.1', 2222, blobOf(keys.ecdsa)).status, 'known');
  assert.equal(checkHostKey(entries, '10.1.2.3', 22, blobOf(keys.rsa)).status, 'known');
  assert.equal(checkHostKey(entries, '127.0.0.1', 22, blobOf(keys.ecdsa)).status, 'unknown');
});

test('a different key of a known type is a mismatch that names the expected key; another type is unknown', () => {
  const entries = parseKnownHosts(`# comment\n\npve1 ${keys.ed25519.publicLine}\npve1 ${keys.rsa.publicLine}\n`);
  const changed = checkHostKey(entries, 'pve1', 22, blobOf(other.ed25519));
  assert.equal(changed.status, 'mismatch');
  assert.equal(changed.status === 'mismatch' && fingerprintSha256(changed.expected[0].key), keys.ed25519.fingerprint);
  const newType = checkHostKey(entries, 'pve1', 22, blobOf(keys.ecdsa));
  assert.equal(newType.status, 'unknown');
  assert.deepEqual(newType.status === 'unknown' && newType.otherTypes.map((e) => e.keyType), ['ssh-ed25519', 'ssh-rsa']);
  assert.deepEqual(knownKeyTypesFor(entries, 'pve1', 22), ['ssh-ed25519', 'ssh-rsa']);
  assert.equal(checkHostKey(entries, 'pve1', 22, blobOf(keys.rsa)).status, 'known');
});

test('@revoked keys are refused even for unrelated hosts; @cert-authority lines are ignored', () => {
  const entries = parseKnownHosts(
    `@revoked * ${keys.ed25519.publicLine}\n@cert-authority *.lab ${keys.rsa.publicLine}\npve1 ${keys.ecdsa.publicLine}\n`,
  );
  assert.equal(checkHostKey(entries, 'anything', 22, blobOf(keys.ed25519)).status, 'revoked');
  assert.equal(checkHostKey(entries, 'x.lab', 22, blobOf(keys.rsa)).status, 'unknown');
  assert.equal(checkHostKey(entries, 'pve1', 22, blobOf(keys.ecdsa)).status, 'known');
});

test('malformed lines are skipped instead of trusting something', () => {
  const entries = parseKnownHosts(`pve1 ssh-ed25519\npve1 ssh-rsa ${typeOf(keys.ed25519)}\npve1 ssh-rsa AAAA\n@weird pve1 ${keys.rsa.publicLine}\n`);
  assert.equal(entries.length, 0);
});

test('written lines are read back by our parser and by ssh-keygen -F, plain and hashed', () => {
  for (const hash of [false, true]) {
    const file = join(dir, `written_${hash}`);
    writeFileSync(file, `${formatKnownHostsLine('127.0.0.1', 2222, blobOf(keys.ecdsa), { hash })}\n`);
    const entries = parseKnownHosts(readFileSync(file, 'utf8'));
    assert.equal(checkHostKey(entries, '127.0.0.1', 2222, blobOf(keys.ecdsa)).status, 'known');
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    assert.match(found, /ecdsa-sha2-nistp256/);
  }
});
