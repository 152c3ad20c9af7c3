/**
 * A fresh self-signed certificate for the simulator, built with node's crypto alone: an ECDSA P-256 key and
 * a minimal X.509 v3 certificate encoded by hand in DER (Node 20 can parse but not create certificates).
 * No openssl binary and no committed key are needed, so this works on any CI machine and offline.
 */
import * as crypto from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  if (n < 0x10000) return Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));

const OID_ECDSA_SHA256 = '2a8648ce3d040302';
const OID_CN = '550403';
const OID_O = '55040a';
const OID_OU = '55040b';
const OID_SAN = '551d11';
const OID_BASIC_CONSTRAINTS = '551d13';

function utcTime(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

function name(cn: string): Buffer {
  // Shaped like a Proxmox node certificate (pve-ssl.pem): O, OU, CN.
  return seq(
    set(seq(oid(OID_O), utf8('Proxmox Virtual Environment'))),
    set(seq(oid(OID_OU), utf8('PVE Cluster Node (simulator)'))),
    set(seq(oid(OID_CN), utf8(cn))),
  );
}

export interface SelfSignedCert {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 fingerprint, `AA:BB:…`. */
  readonly fingerprint: string;
}

export function generateSelfSignedCert(commonName = 'pve-sim.localdomain', days = 30): SelfSignedCert {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = crypto.randomBytes(12);
  // Positive and minimally encoded: a leading 0x00 byte (or a set top bit) would be invalid DER.
  serial[0] = 0x40 | (serial[0] & 0x3f);
  const now = Date.now();
  const san = seq(
    tlv(0x82, Buffer.from('localhost', 'ascii')), // dNSName
    tlv(0x82, Buffer.from(commonName, 'ascii')),
    tlv(0x87, Buffer.from([127, 0, 0, 1])), // iPAddress
  );
  const extensions = tlv(
    0xa3,
    seq(
      seq(oid(OID_BASIC_CONSTRAINTS), tlv(0x04, seq())),
      seq(oid(OID_SAN), tlv(0x04, san)),
    ),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    seq(oid(OID_ECDSA_SHA256)),
    name(commonName),
    seq(utcTime(new Date(now - 60_000)), utcTime(new Date(now + days * 86_400_000))),
    name(commonName),
    spki,
    extensions,
  );
  const signature = crypto.sign('sha256', tbs, privateKey);
  const der = seq(tbs, seq(oid(OID_ECDSA_SHA256)), tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  const cert = `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
  const fingerprint = new crypto.X509Certificate(cert).fingerprint256;
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert, fingerprint };
}
