import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ConnectionTarget } from '../../core/pve/types';
import { parseSecretsFile } from '../../core/pve/secretsFile';
import { type Config, onConfigChange } from '../util/config';
import { Disposable } from '../util/dispose';

/** One connection as stored in the `proxmoxIac.connections` setting. The secret is never part of it. */
export interface ConnectionSettings {
  readonly id: string;
  readonly name: string;
  /** `https://HOST:8006`. */
  readonly url: string;
  readonly auth: 'token' | 'password';
  /** `user@realm!tokenid` (token auth). */
  readonly tokenId?: string;
  /** `user@realm` (password auth). */
  readonly user?: string;
  /** SHA-256 fingerprint the user trusted explicitly, `AA:BB:…`. */
  readonly fingerprint?: string;
}

export const CONNECTIONS_KEY = 'connections';
const ACTIVE_KEY = 'proxmoxIac.activeConnection';
/** Development and test hook: a JSON file `{ "<connection id>": "<secret>" }` read once at activation. */
export const SECRETS_FILE_ENV = 'PROXMOX_IAC_SECRETS_FILE';

const SECRET_PREFIX = 'proxmoxIac.connection.';

export function secretKey(id: string): string {
  return `${SECRET_PREFIX}${id}`;
}

export function targetOf(c: ConnectionSettings): ConnectionTarget {
  return {
    url: c.url,
    user: (c.auth === 'token' ? c.tokenId : c.user) ?? '',
    auth: c.auth,
    ...(c.fingerprint ? { fingerprint: c.fingerprint } : {}),
  };
}

function isConnection(v: unknown): v is ConnectionSettings {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return typeof c.id === 'string' && typeof c.url === 'string' && (c.auth === undefined || c.auth === 'token' || c.auth === 'password');
}

/**
 * The configured clusters: the non-secret part in settings (user scope, so a workspace cannot plant a
 * connection), secrets in SecretStorage under one key per connection, the active one in global state.
 */
export class ConnectionStore extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Fires when the list, a secret or the active connection changes. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidChangeSecret = this._register(new vscode.EventEmitter<string>());
  /** Fires with the connection id whose secret changed. */
  readonly onDidChangeSecret = this._onDidChangeSecret.event;
  private readonly _onDidChangeActive = this._register(new vscode.EventEmitter<void>());
  /** Fires when another connection becomes the active one. */
  readonly onDidChangeActive = this._onDidChangeActive.event;
  private readonly _onDidChangeList = this._register(new vscode.EventEmitter<void>());
  /** Fires when the `proxmoxIac.connections` setting changes. */
  readonly onDidChangeList = this._onDidChangeList.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly config: Config,
  ) {
    super();
    this._register(
      onConfigChange([CONNECTIONS_KEY], () => {
        this._onDidChangeList.fire();
        this._onDidChange.fire();
      }),
    );
    this._register(
      context.secrets.onDidChange((e) => {
        if (!e.key.startsWith(SECRET_PREFIX)) return;
        this._onDidChangeSecret.fire(e.key.slice(SECRET_PREFIX.length));
        this._onDidChange.fire();
      }),
    );
  }

  /** The connections in the setting, read once per change of it (the explorer asks on every refresh). */
  list(): readonly ConnectionSettings[] {
    return this.config.derived(CONNECTIONS_KEY, () => {
      const raw = this.config.get<unknown[]>(CONNECTIONS_KEY, []);
      const seen = new Set<string>();
      const result: ConnectionSettings[] = [];
      for (const v of raw) {
        if (!isConnection(v) || seen.has(v.id)) continue;
        seen.add(v.id);
        result.push(Object.freeze({ ...v, auth: v.auth ?? 'token', name: v.name || v.id }));
      }
      return Object.freeze(result);
    });
  }

  get(id: string): ConnectionSettings | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** The active connection: the one chosen last, else the first. */
  active(): ConnectionSettings | undefined {
    const list = this.list();
    const id = this.context.globalState.get<string>(ACTIVE_KEY);
    return list.find((c) => c.id === id) ?? list[0];
  }

  async setActive(id: string): Promise<void> {
    await this.context.globalState.update(ACTIVE_KEY, id);
    this._onDidChangeActive.fire();
    this._onDidChange.fire();
  }

  async save(c: ConnectionSettings): Promise<void> {
    const list = [...this.list()];
    const i = list.findIndex((x) => x.id === c.id);
    if (i >= 0) list[i] = c;
    else list.push(c);
    await this.config.update(CONNECTIONS_KEY, list, vscode.ConfigurationTarget.Global);
  }

  async remove(id: string): Promise<void> {
    await this.config.update(
      CONNECTIONS_KEY,
      this.list().filter((c) => c.id !== id),
      vscode.ConfigurationTarget.Global,
    );
    await this.context.secrets.delete(secretKey(id));
  }

  secret(id: string): Thenable<string | undefined> {
    return this.context.secrets.get(secretKey(id));
  }

  storeSecret(id: string, secret: string): Thenable<void> {
    return this.context.secrets.store(secretKey(id), secret);
  }

  /** A fresh id that no connection uses, derived from the name so settings stay readable. */
  newId(name: string): string {
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'cluster';
    const taken = new Set(this.list().map((c) => c.id));
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
    return id;
  }

  /**
   * Development/test hook: when `PROXMOX_IAC_SECRETS_FILE` names a JSON file `{ "<id>": "<secret>" }`, its
   * secrets go into SecretStorage once, at activation, so tests and the demo never put a secret into
   * settings or onto a command line. Reading a local file the user pointed at costs no network.
   */
  async importSecretsFile(log: vscode.LogOutputChannel): Promise<void> {
    const file = process.env[SECRETS_FILE_ENV];
    if (!file) return;
    try {
      const content = parseSecretsFile(await fs.readFile(file, 'utf8'));
      if (!content.ok) {
        log.warn(`Could not read ${SECRETS_FILE_ENV} (${file}): ${content.problem}.`);
        return;
      }
      let count = 0;
      for (const [id, secret] of content.secrets) {
        await this.storeSecret(id, secret);
        count++;
      }
      log.info(`Imported ${count} connection secret(s) from ${SECRETS_FILE_ENV}.`);
    } catch (err) {
      // A file-system error (ENOENT, EACCES …): its message names the file, never its content.
      log.warn(`Could not read ${SECRETS_FILE_ENV} (${file}): ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
    }
  }
}
