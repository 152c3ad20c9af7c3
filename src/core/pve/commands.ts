/**
 * Argument vectors for the Proxmox VE command-line tools (`qm`, `qmrestore`, `pvesh`) that the extension, the
 * CLI and tasks run over SSH (`SshSession.exec`, which quotes every element).
 *
 * Every builder validates its input with the same patterns PVE uses (pve-common JSONSchema.pm: pve-vmid,
 * pve-node, pve-storage-id, pve-configid, dns-name) and throws `PveCommandError` with a sentence naming the bad
 * value, so a typo in a manifest fails here instead of as a half-understood command on the node. Booleans are
 * passed as 0/1, which every PVE version parses.
 */

export class PveCommandError extends Error {
  override readonly name = 'PveCommandError';
  constructor(
    message: string,
    /** The parameter that was rejected (e.g. "vmid", "storage"). */
    readonly parameter: string,
  ) {
    super(message);
  }
}

export type Argv = string[];
export type ParamValue = string | number | boolean;

const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const STORAGE_RE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const CONFIG_KEY_RE = /^[a-z][a-z0-9_]+$/i;
const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DNS_NAME_RE = new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const POOL_RE = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+){0,2}$/;
const SNAPSHOT_RE = /^[a-z][a-z0-9_-]+$/i; // pve-snapshot-name (configid with '-')
const API_PARAM_RE = /^[a-z][a-z0-9_-]*$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

export function validateVmid(value: unknown, parameter = 'vmid'): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 100 || n > 999_999_999) {
    throw new PveCommandError(
      `The ${parameter} ${JSON.stringify(value)} is not a valid Proxmox VM ID: use a whole number from 100 to 999999999.`,
      parameter,
    );
  }
  return n;
}

export function validateNodeName(value: string, parameter = 'node'): string {
  if (typeof value !== 'string' || !NODE_RE.test(value)) {
    throw new PveCommandError(
      `The ${parameter} ${JSON.stringify(value)} is not a valid Proxmox node name: use letters, digits and inner hyphens only (like "pve1"), as the node is named in the cluster.`,
      parameter,
    );
  }
  return value;
}

export function validateStorageId(value: string, parameter = 'storage'): string {
  if (typeof value !== 'string' || !STORAGE_RE.test(value)) {
    throw new PveCommandError(
      `The ${parameter} ${JSON.stringify(value)} is not a valid storage ID: it must start with a letter and contain only letters, digits, '-', '_' and '.' (like "local-lvm").`,
      parameter,
    );
  }
  return value;
}

function validateDnsName(value: string, parameter: string): string {
  if (typeof value !== 'string' || value.length > 255 || !DNS_NAME_RE.test(value)) {
    throw new PveCommandError(
      `The ${parameter} ${JSON.stringify(value)} is not a valid VM name: Proxmox accepts DNS names only (letters, digits, inner hyphens, dots between labels).`,
      parameter,
    );
  }
  return value;
}

function validatePool(value: string): string {
  if (!POOL_RE.test(value)) {
    throw new PveCommandError(`The pool ${JSON.stringify(value)} is not a valid pool ID: use letters, digits, '-' and '_'.`, 'pool');
  }
  return value;
}

function validateConfigKey(key: string): string {
  if (!CONFIG_KEY_RE.test(key)) {
    throw new PveCommandError(
      `The VM option ${JSON.stringify(key)} is not a valid configuration key (like "memory", "net0", "ipconfig0").`,
      key,
    );
  }
  return key;
}

/** A free-text value: any printable text, but no control characters except in descriptions. */
function validateText(value: string, parameter: string, allowNewlines = false): string {
  const bad = allowNewlines ? value.replace(/[\n\t]/g, '') : value;
  if (CONTROL_RE.test(bad)) {
    throw new PveCommandError(`The ${parameter} contains control characters; remove them.`, parameter);
  }
  return value;
}

/** Positional paths must not look like options to the tool's option parser. */
function validatePositionalPath(value: string, parameter: string): string {
  if (typeof value !== 'string' || value === '' || value.startsWith('-') || CONTROL_RE.test(value)) {
    throw new PveCommandError(
      `The ${parameter} ${JSON.stringify(value)} is not usable: give an absolute path or a volume ID (like "local:backup/vzdump-qemu-100.vma.zst").`,
      parameter,
    );
  }
  return value;
}

function formatValue(value: ParamValue, parameter: string): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PveCommandError(`The ${parameter} must be a finite number.`, parameter);
    return String(value);
  }
  return validateText(value, parameter, parameter === 'description');
}

function pushOption(argv: Argv, name: string, value: ParamValue | undefined): void {
  if (value === undefined) return;
  argv.push(`--${name}`, formatValue(value, name));
}

function vmidArg(vmid: number | string, parameter = 'vmid'): string {
  return String(validateVmid(vmid, parameter));
}

// ---- qm --------------------------------------------------------------------------------------------------

export interface QmCloneOptions {
  readonly name?: string;
  /** Full clone (default for non-templates); false gives a linked clone of a template. */
  readonly full?: boolean;
  readonly storage?: string;
  readonly target?: string;
  readonly pool?: string;
  readonly description?: string;
  readonly snapname?: string;
  readonly format?: 'raw' | 'qcow2' | 'vmdk';
  readonly bwlimit?: number;
}

export const QM_AGENT_COMMANDS = [
  'fsfreeze-freeze',
  'fsfreeze-status',
  'fsfreeze-thaw',
  'fstrim',
  'get-fsinfo',
  'get-host-name',
  'get-memory-block-info',
  'get-memory-blocks',
  'get-osinfo',
  'get-time',
  'get-timezone',
  'get-users',
  'get-vcpus',
  'info',
  'network-get-interfaces',
  'ping',
  'shutdown',
  'suspend-disk',
  'suspend-hybrid',
  'suspend-ram',
] as const;
export type QmAgentCommand = (typeof QM_AGENT_COMMANDS)[number];

export const qm = {
  clone(vmid: number | string, newid: number | string, o: QmCloneOptions = {}): Argv {
    const argv = ['qm', 'clone', vmidArg(vmid), vmidArg(newid, 'newid')];
    if (o.name !== undefined) pushOption(argv, 'name', validateDnsName(o.name, 'name'));
    pushOption(argv, 'full', o.full);
    if (o.storage !== undefined) pushOption(argv, 'storage', validateStorageId(o.storage));
    if (o.target !== undefined) pushOption(argv, 'target', validateNodeName(o.target, 'target'));
    if (o.pool !== undefined) pushOption(argv, 'pool', validatePool(o.pool));
    pushOption(argv, 'description', o.description);
    if (o.snapname !== undefined) {
      if (!SNAPSHOT_RE.test(o.snapname)) throw new PveCommandError(`The snapshot name ${JSON.stringify(o.snapname)} is not valid: start with a letter, then letters, digits, '-' or '_'.`, 'snapname');
      pushOption(argv, 'snapname', o.snapname);
    }
    if (o.format !== undefined) {
      if (!['raw', 'qcow2', 'vmdk'].includes(o.format)) throw new PveCommandError(`The disk format ${JSON.stringify(o.format)} is not one of raw, qcow2, vmdk.`, 'format');
      pushOption(argv, 'format', o.format);
    }
    if (o.bwlimit !== undefined) pushOption(argv, 'bwlimit', nonNegative(o.bwlimit, 'bwlimit'));
    return argv;
  },
  start(vmid: number | string, o: { timeout?: number } = {}): Argv {
    const argv = ['qm', 'start', vmidArg(vmid)];
    if (o.timeout !== undefined) pushOption(argv, 'timeout', nonNegativeInt(o.timeout, 'timeout'));
    return argv;
  },
  stop(vmid: number | string, o: { timeout?: number; skiplock?: boolean; keepActive?: boolean } = {}): Argv {
    const argv = ['qm', 'stop', vmidArg(vmid)];
    if (o.timeout !== undefined) pushOption(argv, 'timeout', nonNegativeInt(o.timeout, 'timeout'));
    pushOption(argv, 'skiplock', o.skiplock);
    pushOption(argv, 'keepActive', o.keepActive);
    return argv;
  },
  shutdown(vmid: number | string, o: { timeout?: number; forceStop?: boolean; skiplock?: boolean } = {}): Argv {
    const argv = ['qm', 'shutdown', vmidArg(vmid)];
    if (o.timeout !== undefined) pushOption(argv, 'timeout', nonNegativeInt(o.timeout, 'timeout'));
    pushOption(argv, 'forceStop', o.forceStop);
    pushOption(argv, 'skiplock', o.skiplock);
    return argv;
  },
  template(vmid: number | string): Argv {
    return ['qm', 'template', vmidArg(vmid)];
  },
  /** `qm set VMID --key value …`; `delete` lists keys to remove. */
  set(vmid: number | string, params: Readonly<Record<string, ParamValue>>, o: { delete?: readonly string[] } = {}): Argv {
    const argv = ['qm', 'set', vmidArg(vmid)];
    const keys = Object.keys(params);
    if (keys.length === 0 && !o.delete?.length) {
      throw new PveCommandError('Nothing to change: give at least one VM option to set or delete.', 'params');
    }
    for (const key of keys) {
      validateConfigKey(key);
      if (key === 'name') validateDnsName(String(params[key]), 'name');
      pushOption(argv, key, params[key]);
    }
    if (o.delete?.length) argv.push('--delete', o.delete.map(validateConfigKey).join(','));
    return argv;
  },
  destroy(vmid: number | string, o: { purge?: boolean; destroyUnreferencedDisks?: boolean; skiplock?: boolean } = {}): Argv {
    const argv = ['qm', 'destroy', vmidArg(vmid)];
    pushOption(argv, 'purge', o.purge);
    pushOption(argv, 'destroy-unreferenced-disks', o.destroyUnreferencedDisks);
    pushOption(argv, 'skiplock', o.skiplock);
    return argv;
  },
  agent(vmid: number | string, command: QmAgentCommand): Argv {
    if (!(QM_AGENT_COMMANDS as readonly string[]).includes(command)) {
      throw new PveCommandError(`The guest-agent command ${JSON.stringify(command)} is not one qm knows (${QM_AGENT_COMMANDS.join(', ')}).`, 'command');
    }
    return ['qm', 'agent', vmidArg(vmid), command];
  },
  /** Imports a disk image file (on the node) into a storage as an unused disk of the VM. */
  importdisk(vmid: number | string, source: string, storage: string, o: { format?: 'raw' | 'qcow2' | 'vmdk' } = {}): Argv {
    const argv = ['qm', 'importdisk', vmidArg(vmid), validatePositionalPath(source, 'source image'), validateStorageId(storage)];
    if (o.format !== undefined) {
      if (!['raw', 'qcow2', 'vmdk'].includes(o.format)) throw new PveCommandError(`The disk format ${JSON.stringify(o.format)} is not one of raw, qcow2, vmdk.`, 'format');
      pushOption(argv, 'format', o.format);
    }
    return argv;
  },
  status(vmid: number | string, o: { verbose?: boolean } = {}): Argv {
    const argv = ['qm', 'status', vmidArg(vmid)];
    pushOption(argv, 'verbose', o.verbose);
    return argv;
  },
};

function nonNegativeInt(value: number, parameter: string): number {
  if (!Number.isInteger(value) || value < 0) throw new PveCommandError(`The ${parameter} must be a whole number of seconds, 0 or more.`, parameter);
  return value;
}

function nonNegative(value: number, parameter: string): number {
  if (!Number.isFinite(value) || value < 0) throw new PveCommandError(`The ${parameter} must be a number, 0 or more.`, parameter);
  return value;
}

// ---- qmrestore ---------------------------------------------------------------------------------------------

export interface QmrestoreOptions {
  readonly storage?: string;
  /** Give the restored VM new unique MAC addresses etc. Default true (a restore next to the original must not clash). */
  readonly unique?: boolean;
  readonly force?: boolean;
  readonly pool?: string;
  readonly bwlimit?: number;
}

/** `qmrestore FILE VMID --unique 1 [--storage S] …` */
export function qmrestore(archive: string, vmid: number | string, o: QmrestoreOptions = {}): Argv {
  const argv = ['qmrestore', validatePositionalPath(archive, 'backup archive'), vmidArg(vmid)];
  pushOption(argv, 'unique', o.unique ?? true);
  if (o.storage !== undefined) pushOption(argv, 'storage', validateStorageId(o.storage));
  pushOption(argv, 'force', o.force);
  if (o.pool !== undefined) pushOption(argv, 'pool', validatePool(o.pool));
  if (o.bwlimit !== undefined) pushOption(argv, 'bwlimit', nonNegative(o.bwlimit, 'bwlimit'));
  return argv;
}

// ---- pvesh -------------------------------------------------------------------------------------------------

export type PveshVerb = 'get' | 'create' | 'set' | 'delete';

function validateApiPath(path: string): string {
  const segments = typeof path === 'string' ? path.split('/').slice(1) : [];
  if (
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    CONTROL_RE.test(path) ||
    /\s/.test(path) ||
    segments.some((s) => s === '..' || s === '.')
  ) {
    throw new PveCommandError(
      `The API path ${JSON.stringify(path)} is not valid: it must start with '/' and contain no spaces or '..' (like "/nodes/pve1/qemu/100/status/current").`,
      'path',
    );
  }
  return path;
}

/**
 * `pvesh VERB PATH --param value … [--output-format json]`. Output is JSON by default so callers can parse it;
 * pass `outputFormat: null` to get pvesh's own text (e.g. for task logs shown to the user).
 */
export function pvesh(
  verb: PveshVerb,
  path: string,
  params: Readonly<Record<string, ParamValue | readonly ParamValue[]>> = {},
  o: { outputFormat?: 'json' | 'json-pretty' | 'text' | 'yaml' | null } = {},
): Argv {
  if (!['get', 'create', 'set', 'delete'].includes(verb)) {
    throw new PveCommandError(`The pvesh command ${JSON.stringify(verb)} is not one of get, create, set, delete.`, 'verb');
  }
  const argv = ['pvesh', verb, validateApiPath(path)];
  for (const [key, value] of Object.entries(params)) {
    if (!API_PARAM_RE.test(key)) {
      throw new PveCommandError(`The API parameter ${JSON.stringify(key)} is not a valid parameter name.`, key);
    }
    // Array parameters (e.g. repeated --tags) are passed once per element, as pvesh expects.
    for (const v of Array.isArray(value) ? (value as readonly ParamValue[]) : [value as ParamValue]) pushOption(argv, key, v);
  }
  const format = o.outputFormat === undefined ? 'json' : o.outputFormat;
  if (format !== null) argv.push('--output-format', format);
  return argv;
}
