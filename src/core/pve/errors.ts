/**
 * Typed errors for everything that can go wrong talking to Proxmox VE. Each message is a full sentence a
 * user can act on. None of them ever carries the token secret, a ticket or a password: only the API path,
 * the method, the HTTP status and the server's own error text.
 */

export interface PveErrorDetails {
  /** HTTP status, or undefined for transport failures. */
  readonly status?: number;
  /** `GET /nodes/pve1/qemu/100/config` — never includes the query string (it may carry values). */
  readonly request?: string;
  /** The server's error text (first line of the reason phrase or `message`). */
  readonly serverMessage?: string;
}

export class PveError extends Error {
  override name = 'PveError';
  readonly status?: number;
  readonly request?: string;
  readonly serverMessage?: string;

  constructor(message: string, details: PveErrorDetails = {}) {
    super(message);
    if (details.status !== undefined) this.status = details.status;
    if (details.request !== undefined) this.request = details.request;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
  }

  /** Whether the same GET may succeed if repeated (transport hiccups, generic 5xx). */
  get transient(): boolean {
    return false;
  }
}

/** 401: no ticket, a bad or revoked token, an expired ticket. */
export class AuthenticationError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'AuthenticationError';
  constructor(reason: string, details: PveErrorDetails = {}) {
    super(
      `Proxmox rejected the credentials (${reason}). Re-enter the API token (or password) for this connection; ` +
        'check that the token exists, is not expired and that its ID has the form user@realm!tokenid.',
      details,
    );
  }
}

/** Which built-in PVE role grants a privilege, for the `pveum acl modify` hint. */
const ROLE_FOR_PRIVILEGE: Readonly<Record<string, string>> = {
  'VM.Audit': 'PVEAuditor',
  'Sys.Audit': 'PVEAuditor',
  'Datastore.Audit': 'PVEAuditor',
  'Pool.Audit': 'PVEAuditor',
  'SDN.Audit': 'PVEAuditor',
  'VM.PowerMgmt': 'PVEVMUser',
  'VM.Console': 'PVEVMUser',
  'VM.GuestAgent.Audit': 'PVEVMUser',
  'VM.Snapshot': 'PVEVMUser',
  'VM.Backup': 'PVEVMUser',
  'VM.Clone': 'PVEVMAdmin',
  'VM.Allocate': 'PVEVMAdmin',
  'VM.Snapshot.Rollback': 'PVEVMAdmin',
  'Datastore.AllocateSpace': 'PVEDatastoreUser',
  'Datastore.AllocateTemplate': 'PVEDatastoreUser',
  'SDN.Use': 'PVESDNUser',
};

/** 403 "Permission check failed (/vms/104, VM.Audit)". */
export class PermissionError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'PermissionError';
  /** ACL path, e.g. `/vms/104`; undefined when the server did not name it. */
  readonly path?: string;
  /** Any one of these would have been enough (`VM.Audit|VM.Console` → two entries). */
  readonly privileges: readonly string[];

  constructor(serverText: string, principal: { user: string; auth: 'token' | 'password' } | undefined, details: PveErrorDetails = {}) {
    const parsed = parsePermissionText(serverText);
    super(permissionMessage(parsed, serverText, principal), details);
    if (parsed.path !== undefined) this.path = parsed.path;
    this.privileges = parsed.privileges;
  }
}

/**
 * Splits "Permission check failed (/vms/104, VM.Audit|VM.Console)" into its path and privileges: the one
 * parser of that text (the typed PermissionError and the tree's error rows for errors that carry only text).
 */
export function parsePermissionText(text: string): { path?: string; privileges: string[] } {
  const m = /Permission check failed \(([^,)]+)(?:,\s*([^)]+))?\)/.exec(text);
  if (!m) return { privileges: [] };
  const first = m[1].trim();
  if (m[2] === undefined) return { privileges: [] };
  return { path: first, privileges: m[2].split('|').map((p) => p.trim()).filter(Boolean) };
}

function permissionMessage(
  parsed: { path?: string; privileges: string[] },
  serverText: string,
  principal: { user: string; auth: 'token' | 'password' } | undefined,
): string {
  if (parsed.path === undefined || parsed.privileges.length === 0) {
    return `Proxmox refused the request: ${serverText.trim()}. Ask an administrator to grant the needed privileges to this user or token.`;
  }
  const privs = parsed.privileges.join(' or ');
  const who = principal ? (principal.auth === 'token' ? `the token ${principal.user}` : `the user ${principal.user}`) : 'this connection';
  const role = ROLE_FOR_PRIVILEGE[parsed.privileges[0]] ?? `a role with ${parsed.privileges[0]}`;
  const flag = principal ? (principal.auth === 'token' ? `-token '${principal.user}'` : `-user '${principal.user}'`) : "-token 'USER@REALM!TOKENID'";
  return (
    `Permission check failed: ${who} lacks ${privs} on ${parsed.path}. ` +
    `Grant it with \`pveum acl modify ${parsed.path} ${flag} -role ${role}\` (a token also needs the privilege on its user unless it has privilege separation off).`
  );
}

/** 500 "VM is locked (clone)" / "CT is locked (backup)". */
export class GuestLockedError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'GuestLockedError';
  readonly lock: string;
  constructor(lock: string, guestKind: 'VM' | 'CT', details: PveErrorDetails = {}) {
    super(
      `The ${guestKind === 'VM' ? 'VM' : 'container'} is locked (${lock}) because another task is using it. ` +
        'Wait for that task to finish (see the task list) and try again; if no task is running, remove the stale lock with `qm unlock VMID`.',
      details,
    );
    this.lock = lock;
  }
}

/** 500 "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout". */
export class LockTimeoutError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'LockTimeoutError';
  constructor(serverText: string, details: PveErrorDetails = {}) {
    super(`Proxmox could not lock the guest configuration in time (${serverText.trim()}). Another operation holds it; try again in a moment.`, details);
  }
}

/** 500 "No QEMU guest agent configured". */
export class AgentNotConfiguredError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'AgentNotConfiguredError';
  constructor(details: PveErrorDetails = {}, message = 'The QEMU guest agent is not enabled for this VM. Enable it in the VM options (agent: 1) and install qemu-guest-agent in the guest.') {
    super(message, details);
  }
}

/** 500 "VM 100 is not running" (agent and console calls on a stopped guest). */
export class GuestNotRunningError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'GuestNotRunningError';
  readonly vmid?: number;
  constructor(vmid: number | undefined, details: PveErrorDetails = {}) {
    super(`${vmid === undefined ? 'The VM' : `VM ${vmid}`} is not running, so its guest agent cannot answer. Start the VM and try again.`, details);
    if (vmid !== undefined) this.vmid = vmid;
  }
}

/** 500 "QEMU guest agent is not running". */
export class AgentNotRunningError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'AgentNotRunningError';
  constructor(details: PveErrorDetails = {}) {
    super('The QEMU guest agent is configured but not answering. Install and start qemu-guest-agent inside the guest (it may still be booting).', details);
  }
}

/** 500 "VM 100 qga command 'guest-…' failed - got timeout". */
export class AgentTimeoutError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'AgentTimeoutError';
  readonly command?: string;
  constructor(command: string | undefined, details: PveErrorDetails = {}) {
    super(`The guest agent did not answer ${command ? `'${command}' ` : ''}in time. The guest may be busy or the agent hung; try again or restart qemu-guest-agent in the guest.`, details);
    if (command !== undefined) this.command = command;
  }
}

/**
 * The agent answered, but with an error of its own: a command this agent does not have or has disabled
 * (old agents, Windows, `--block-rpcs`), or another failure inside the guest. PVE reports it either as
 * HTTP 200 `{"data":{"result":{"error":{"class":…,"desc":…}}}}` or as a 500 "VM 100 qga command
 * 'guest-get-osinfo' failed - unsupported command: guest-get-osinfo" / "Agent error: …".
 */
export class AgentCommandError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'AgentCommandError';
  /** `get-osinfo` (without the `guest-` prefix) when known. */
  readonly command?: string;
  /** QGA error class, e.g. `CommandNotFound`, `GenericError`, when the agent sent one. */
  readonly errorClass?: string;
  /** The agent's own description. */
  readonly desc: string;
  /** True when the agent lacks or has disabled the command (as opposed to failing while running it). */
  readonly unsupported: boolean;
  constructor(command: string | undefined, desc: string, errorClass: string | undefined, details: PveErrorDetails = {}) {
    const unsupported = isUnsupportedAgentText(desc, errorClass);
    const what = command ? `'${command}'` : 'this command';
    super(
      unsupported
        ? `The guest agent does not support ${what} (${desc.trim()}). It is too old, or the command is disabled in the guest; update qemu-guest-agent (or virtio-win on Windows) or allow the command.`
        : `The guest agent failed to run ${what}: ${desc.trim()}. Check qemu-guest-agent inside the guest.`,
      details,
    );
    if (command !== undefined) this.command = command;
    if (errorClass !== undefined) this.errorClass = errorClass;
    this.desc = desc.trim();
    this.unsupported = unsupported;
  }
}

/** Whether an agent's error text or class means "this agent does not have / allow that command". */
export function isUnsupportedAgentText(desc: string, errorClass?: string): boolean {
  if (errorClass === 'CommandNotFound' || errorClass === 'CommandDisabled') return true;
  return /unsupported command|has not been found|has been disabled|not (?:currently )?supported/i.test(desc);
}

/** 500 "Configuration file 'nodes/pve/qemu-server/999.conf' does not exist". */
export class GuestNotFoundError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'GuestNotFoundError';
  constructor(serverText: string, details: PveErrorDetails = {}) {
    super(`Proxmox has no such guest on that node (${serverText.trim()}). Refresh the explorer: the guest may have been deleted or migrated.`, details);
  }
}

/** 595/596 (pveproxy could not reach the node that owns the resource). */
export class NodeUnreachableError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'NodeUnreachableError';
  constructor(reason: string, details: PveErrorDetails = {}) {
    super(`The Proxmox node that owns this resource is unreachable (${reason || 'no answer'}). Check that the node is online and the cluster is quorate.`, details);
  }
  override get transient(): boolean {
    return true;
  }
}

/** No answer within the request timeout. */
export class TimeoutError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'TimeoutError';
  constructor(ms: number, details: PveErrorDetails = {}) {
    super(`Proxmox did not answer within ${Math.round(ms / 100) / 10} s. Check the network and the server's load, or raise the timeout.`, details);
  }
  override get transient(): boolean {
    return true;
  }
}

/** Connection refused, reset, DNS failure … */
export class ConnectionError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'ConnectionError';
  readonly code?: string;
  constructor(reason: string, code: string | undefined, details: PveErrorDetails = {}) {
    super(`Could not talk to Proxmox (${reason}). Check the URL and port (usually https://HOST:8006) and that the server is reachable.`, details);
    if (code !== undefined) this.code = code;
  }
  override get transient(): boolean {
    return true;
  }
}

/** The body was not the JSON envelope PVE sends. */
export class InvalidResponseError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'InvalidResponseError';
  constructor(what: string, details: PveErrorDetails = {}) {
    super(`Proxmox sent an answer the extension does not understand (${what}). Check that the URL points at the Proxmox VE API (port 8006), not a proxy or another service.`, details);
  }
}

/**
 * The answer was larger than the client reads (`MAX_RESPONSE_BYTES`): the socket is closed instead of
 * buffering it, so a misbehaving server or proxy cannot exhaust the editor's or the CLI's memory.
 */
export class ResponseTooLargeError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'ResponseTooLargeError';
  readonly limitBytes: number;
  constructor(limitBytes: number, details: PveErrorDetails = {}) {
    super(
      `Proxmox sent an answer larger than ${Math.round(limitBytes / 1024 / 1024)} MiB${details.request ? ` to ${details.request}` : ''}, so it was not read. ` +
        'Check that the URL points at the Proxmox VE API (port 8006), not a proxy or another service.',
      details,
    );
    this.limitBytes = limitBytes;
  }
}

/**
 * A name that cannot be one segment of an API path (`.`, `..`, empty): URL parsing would collapse it and
 * the request would address another resource (the guest instead of its snapshot). Nothing is sent.
 */
export class InvalidPathSegmentError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'InvalidPathSegmentError';
  readonly segment: string;
  constructor(segment: string, what: string) {
    if (what === 'VMID') {
      super(`'${segment}' is not a VMID (an integer from 100 to 999999999). Nothing was sent to Proxmox.`);
      this.segment = segment;
      return;
    }
    const why =
      segment === ''
        ? `An empty ${what} cannot be part of a Proxmox API path`
        : segment === '.' || segment === '..'
          ? `The ${what} '${segment}' cannot be part of a Proxmox API path: the URL would address ${segment === '.' ? 'the enclosing' : 'the parent'} resource instead`
          : `The ${what} '${segment}' would not reach the resource it names: the URL changes it`;
    super(`${why}. Nothing was sent to Proxmox; use a name made of letters, digits, '-' and '_'.`);
    this.segment = segment;
  }
}

/** 400 "Parameter verification failed." with a per-parameter errors map. */
export class ParameterError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'ParameterError';
  readonly errors: Readonly<Record<string, string>>;
  constructor(errors: Record<string, string>, details: PveErrorDetails = {}) {
    const list = Object.entries(errors)
      .map(([k, v]) => `${k}: ${v.trim()}`)
      .join('; ');
    super(`Proxmox rejected the parameters${list ? ` (${list})` : ''}. Correct the named values and try again.`, details);
    this.errors = errors;
  }
}

/** 501 or any other status without a better class. */
export class ApiError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'ApiError';
  constructor(serverText: string, details: PveErrorDetails = {}) {
    super(`Proxmox answered ${details.status ?? 'with an error'}: ${serverText.trim() || 'no details'}.`, details);
  }
  override get transient(): boolean {
    return this.status !== undefined && this.status >= 500 && this.status !== 501;
  }
}

/** A task ended with an error exit status. */
export class TaskFailedError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'TaskFailedError';
  readonly upid: string;
  readonly exitstatus: string;
  readonly log: readonly string[];
  constructor(upid: string, exitstatus: string, log: readonly string[]) {
    super(`The Proxmox task failed: ${exitstatus.trim()}. See the task log for details.`);
    this.upid = upid;
    this.exitstatus = exitstatus;
    this.log = log;
  }
}

/** The pinned fingerprint no longer matches what the server presents. */
export class CertificateChangedError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'CertificateChangedError';
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(
      `The server's certificate has changed: trusted fingerprint ${expected}, now ${actual}. ` +
        'If you renewed the certificate on purpose, trust the new one; otherwise someone may be intercepting the connection — do not continue.',
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** Normal verification failed (self-signed …) and no fingerprint is trusted yet. */
export class UntrustedCertificateError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'UntrustedCertificateError';
  readonly reason: string;
  constructor(reason: string) {
    super(
      `The server's certificate is not trusted (${reason}). Proxmox ships a self-signed certificate: compare its SHA-256 fingerprint ` +
        '(shown by `pvenode cert info` on the node) and trust it explicitly for this connection.',
    );
    this.reason = reason;
  }
}

/** The caller's AbortSignal fired. */
export class CancelledError extends PveError {
  /** Explicit, because bundlers minify class names. */
  override readonly name: string = 'CancelledError';
  constructor() {
    super('The request was cancelled.');
  }
}
