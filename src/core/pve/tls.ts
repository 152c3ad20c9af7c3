/**
 * TLS trust for Proxmox: either normal certificate verification, or one explicitly trusted SHA-256
 * fingerprint (Proxmox ships self-signed certificates). Pinning is per agent and per connection — the
 * process-wide verification switch is never touched.
 *
 * The pinned agent completes the TLS handshake and compares the peer certificate's fingerprint BEFORE it
 * hands the socket to the HTTP layer, so no request byte (and no Authorization header) reaches a server
 * whose certificate does not match.
 */
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { CertificateChangedError, ConnectionError, TimeoutError } from './errors';

/** `aa:bb…`, `AABB…` or `AA:BB:…` → `AA:BB:…`; undefined when it is not 32 hex bytes. */
export function normalizeFingerprint(fp: string): string | undefined {
  const hex = fp.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/**
 * Idle keep-alive sockets are dropped after this long, before a server's own idle timeout (Node's 5 s,
 * pveproxy's) can close them under us: a write sent on a socket the server just closed fails with a reset
 * and, being a write, must not be retried. Active requests are not affected (client.ts has its own timer).
 */
export const IDLE_SOCKET_MS = 2000;

type CreateConnectionCallback = (err: Error | null, socket: Duplex) => void;

/** An https.Agent that accepts exactly one certificate, identified by its SHA-256 fingerprint. */
export class PinnedAgent extends https.Agent {
  readonly fingerprint: string;
  /**
   * One TLS context for every socket of this agent. Chain verification is off for pinned sockets, so no CA
   * list is consulted; giving `ca` with it also tells VS Code's extension host, which patches `tls.connect`,
   * not to load the system's certificates into a new context for each socket (~100 ms of blocked event loop
   * per connection, measured in code-server: bench/explorer-vscode/profile.mjs showed `addCACert`).
   */
  readonly #context = tls.createSecureContext();

  constructor(fingerprint: string, options: https.AgentOptions = {}) {
    // Session resumption would skip the certificate exchange; every connection must show its certificate.
    super({ keepAlive: true, maxSockets: 6, timeout: IDLE_SOCKET_MS, ...options, maxCachedSessions: 0 });
    const normalized = normalizeFingerprint(fingerprint);
    if (!normalized) throw new Error(`'${fingerprint}' is not a SHA-256 fingerprint (32 hex bytes, e.g. AA:BB:…).`);
    this.fingerprint = normalized;
  }

  override createConnection(options: https.RequestOptions, callback?: CreateConnectionCallback): Duplex | undefined {
    const cb = callback ?? ((): void => undefined);
    // Chain verification is replaced (not skipped) by the fingerprint comparison below, for this socket only.
    const socket = tls.connect({
      ...(options as tls.ConnectionOptions),
      rejectUnauthorized: false,
      session: undefined,
      secureContext: this.#context,
      ca: tls.rootCertificates as string[],
    });
    const onError = (err: Error): void => cb(err, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      const actual = socket.getPeerCertificate()?.fingerprint256;
      if (actual !== this.fingerprint) {
        socket.destroy();
        cb(new CertificateChangedError(this.fingerprint, actual ?? '(no certificate)'), socket);
        return;
      }
      cb(null, socket);
    });
    return undefined;
  }
}

/**
 * An https.Agent with normal certificate verification whose sockets share one TLS context. The first socket
 * to complete a verified handshake gives its context to the ones after it. In VS Code's extension host that
 * context holds what VS Code's `tls.connect` patch added (the system's certificates, ~100 ms of blocked event
 * loop per socket), so later sockets name a CA list and the patch leaves them alone; outside VS Code it holds
 * Node's default roots, as a plain agent's would.
 */
export class VerifiedAgent extends https.Agent {
  #context: tls.SecureContext | undefined;

  constructor(options: https.AgentOptions = {}) {
    super({ keepAlive: true, maxSockets: 6, timeout: IDLE_SOCKET_MS, ...options });
  }

  override createConnection(options: https.RequestOptions, callback?: CreateConnectionCallback): Duplex | undefined {
    const tlsOptions = options as tls.ConnectionOptions;
    if (this.#context) {
      return connectVia(this, { ...tlsOptions, secureContext: this.#context, ca: tlsOptions.ca ?? (tls.rootCertificates as string[]) }, callback);
    }
    const context = tls.createSecureContext(tlsOptions);
    const socket = connectVia(this, { ...tlsOptions, secureContext: context }, callback);
    socket?.once('secureConnect', () => {
      if ((socket as tls.TLSSocket).authorized) this.#context ??= context;
    });
    return socket;
  }
}

/** https.Agent's own createConnection (TLS session reuse included), with these options. */
function connectVia(agent: https.Agent, options: tls.ConnectionOptions, callback?: CreateConnectionCallback): Duplex | undefined {
  type Create = (o: tls.ConnectionOptions, cb?: CreateConnectionCallback) => Duplex | undefined;
  return (https.Agent.prototype as unknown as { createConnection: Create }).createConnection.call(agent, options, callback);
}

export interface CertificateInfo {
  /** SHA-256 fingerprint, `AA:BB:…`. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly subjectAltName?: string;
  /** Whether normal verification (system CAs + hostname) accepts it. */
  readonly trusted: boolean;
  /** Why normal verification rejects it, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  readonly verificationError?: string;
}

function dn(d: tls.Certificate | undefined): string {
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/**
 * Connects once, sends nothing, and reports the server's certificate for a "trust this certificate?"
 * decision. Never sends credentials.
 */
export function probeCertificate(url: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CertificateInfo> {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : 8006;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TimeoutError(timeoutMs));
    }, timeoutMs);
    const onAbort = (): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectionError('cancelled', 'ABORT_ERR'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new ConnectionError(err.code ?? err.message, err.code));
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const cert = socket.getPeerCertificate();
      let verificationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      if (!verificationError && cert) {
        const idErr = tls.checkServerIdentity(host, cert);
        if (idErr) verificationError = idErr.message;
      }
      socket.destroy();
      if (!cert || !cert.fingerprint256) {
        reject(new ConnectionError('the server presented no certificate', undefined));
        return;
      }
      const info: CertificateInfo = {
        fingerprint: cert.fingerprint256,
        subject: dn(cert.subject),
        issuer: dn(cert.issuer),
        validFrom: cert.valid_from,
        validTo: cert.valid_to,
        trusted: verificationError === undefined,
        ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
        ...(verificationError ? { verificationError } : {}),
      };
      resolve(info);
    });
  });
}
