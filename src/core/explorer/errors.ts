import {
  AuthenticationError,
  CertificateChangedError,
  ConnectionError,
  NodeUnreachableError,
  PermissionError,
  parsePermissionText,
  TimeoutError,
  UntrustedCertificateError,
} from '../pve/errors';

/**
 * Turns a failed refresh into what the tree shows in place of the cluster: a short label, a sentence with
 * the fix, and the action that fixes it. Reads the typed errors of src/core/pve/errors.ts by class (names
 * do not survive minification), falling back to HTTP status and message text for anything else.
 */
export type TreeErrorKind = 'auth' | 'permission' | 'certificate-changed' | 'certificate-untrusted' | 'offline' | 'secret-missing' | 'other';

export interface TreeError {
  readonly kind: TreeErrorKind;
  /** Row label, a few words. */
  readonly label: string;
  /** Full sentence with the fix, for the tooltip and the log. */
  readonly detail: string;
  /** Command id (`proxmoxIac.*`) that fixes it, with its title. */
  readonly action?: { readonly command: string; readonly title: string };
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  path?: unknown;
  privileges?: unknown;
  expected?: unknown;
  actual?: unknown;
  fingerprint?: unknown;
  code?: unknown;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** The pve error class an error is, by identity: esbuild's minifier renames classes, so `name` is unreliable. */
function className(err: unknown): string | undefined {
  if (err instanceof CertificateChangedError) return 'CertificateChangedError';
  if (err instanceof UntrustedCertificateError) return 'UntrustedCertificateError';
  if (err instanceof AuthenticationError) return 'AuthenticationError';
  if (err instanceof PermissionError) return 'PermissionError';
  if (err instanceof NodeUnreachableError) return 'NodeUnreachableError';
  if (err instanceof ConnectionError) return 'ConnectionError';
  if (err instanceof TimeoutError) return 'TimeoutError';
  return undefined;
}

export function describeTreeError(err: unknown): TreeError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const name = className(err) ?? str(e.name) ?? '';
  const message = str(e.message) ?? String(err);
  const status = typeof e.status === 'number' ? e.status : undefined;

  if (name === 'SecretMissingError') {
    return {
      kind: 'secret-missing',
      label: 'No secret stored for this connection',
      detail: `${message} Enter the API token secret (or password) to connect.`,
      action: { command: 'proxmoxIac.connections.enterSecret', title: 'Enter Secret' },
    };
  }
  if (name === 'CertificateChangedError') {
    const expected = str(e.expected);
    const actual = str(e.actual) ?? str(e.fingerprint);
    return {
      kind: 'certificate-changed',
      label: 'Certificate changed — connection refused',
      detail:
        `The server's certificate is not the one you trusted${expected ? ` (trusted ${expected}` : ''}${actual ? `${expected ? ', now ' : ' (now '}${actual})` : expected ? ')' : ''}. ` +
        'If the server was reinstalled or its certificate renewed, check the new fingerprint on the node (`pvenode cert info`) and trust it again; otherwise someone may be intercepting the connection.',
      action: { command: 'proxmoxIac.connections.trustCertificate', title: 'Review Certificate' },
    };
  }
  if (name === 'CertificateUntrustedError' || name === 'UntrustedCertificateError') {
    return {
      kind: 'certificate-untrusted',
      label: 'Certificate not trusted',
      detail: `${message} Review the server's fingerprint and trust it explicitly to connect.`,
      action: { command: 'proxmoxIac.connections.trustCertificate', title: 'Review Certificate' },
    };
  }
  if (name === 'AuthenticationError' || status === 401) {
    return {
      kind: 'auth',
      label: 'Authentication failed (401)',
      detail: 'The server rejected the API token or password. Re-enter the secret; if it still fails, check that the token exists and has not expired (`pveum user token list`).',
      action: { command: 'proxmoxIac.connections.enterSecret', title: 'Re-enter Token' },
    };
  }
  if (name === 'PermissionError' || status === 403) {
    const parsed = parsePermissionText(message);
    const path = str(e.path) ?? parsed.path;
    const privileges = Array.isArray(e.privileges) ? e.privileges.filter((p): p is string => typeof p === 'string') : parsed.privileges;
    const privText = privileges.length ? privileges.join(' or ') : 'a privilege';
    return {
      kind: 'permission',
      label: `Missing privilege: ${privText}${path ? ` on ${path}` : ''}`,
      // PermissionError's own message already names the principal and the `pveum` command that fixes it.
      detail:
        name === 'PermissionError'
          ? `${message} Then refresh.`
          : `Permission check failed: the token lacks ${privText}${path ? ` on ${path}` : ''}. Grant it, e.g. \`pveum acl modify ${path ?? '/'} -token 'USER@REALM!TOKEN' -role PVEAuditor\`, then refresh.`,
    };
  }
  if (name === 'NodeUnreachableError' || name === 'ConnectionError' || name === 'TimeoutError' || (status !== undefined && status >= 595)) {
    return {
      kind: 'offline',
      label: 'Cluster unreachable',
      detail: `${message} Check that the server is running and reachable from this machine; the explorer retries with growing pauses.`,
      action: { command: 'proxmoxIac.explorer.refresh', title: 'Retry' },
    };
  }
  const code = str(e.code);
  if (code && /^(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|ETIMEDOUT|EAI_AGAIN)$/.test(code)) {
    return {
      kind: 'offline',
      label: 'Cluster unreachable',
      detail: `The server could not be reached (${code}). Check that it is running and reachable from this machine; the explorer retries with growing pauses.`,
      action: { command: 'proxmoxIac.explorer.refresh', title: 'Retry' },
    };
  }
  return {
    kind: 'other',
    label: 'Refresh failed',
    detail: `${message} See the Proxmox IaC log for details.`,
    action: { command: 'proxmoxIac.showLog', title: 'Show Log' },
  };
}
