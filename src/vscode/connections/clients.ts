import type { PveApi } from '../../core/pve/api';
import { Disposable } from '../util/dispose';
import { type ConnectionSettings, type ConnectionStore, targetOf } from './store';

/** Thrown when a connection has no secret in SecretStorage yet; the tree offers "Enter Secret". */
export class SecretMissingError extends Error {
  constructor(name: string) {
    super(`The connection "${name}" has no API token secret (or password) stored on this machine.`);
    this.name = 'SecretMissingError';
  }
}

/** Counts HTTP exchanges per connection, for tests and the "one request per refresh" promise. */
export interface RequestCounter {
  readonly requests: number;
}

/**
 * One API client per connection, built on first use (the client module loads lazily, so activation stays
 * cheap) and rebuilt when the connection's settings or secret change.
 */
export class ClientPool extends Disposable {
  private readonly clients = new Map<string, { key: string; client: Promise<PveApi> }>();
  private readonly counts = new Map<string, number>();
  /** Which connection each client belongs to, so an error during an action can offer its connection's fix. */
  private readonly owners = new WeakMap<PveApi, string>();

  constructor(private readonly store: ConnectionStore) {
    super();
    // A client keeps its login (ticket) across refreshes; only new settings or a new secret replace it.
    this._register(store.onDidChangeList(() => this.clients.clear()));
    this._register(store.onDidChangeSecret((id) => this.clients.delete(id)));
  }

  /** The id of the connection `api` was built for (undefined for a probe or a client from elsewhere). */
  connectionOf(api: PveApi): string | undefined {
    return this.owners.get(api);
  }

  requestCount(id: string): number {
    return this.counts.get(id) ?? 0;
  }

  async get(c: ConnectionSettings): Promise<PveApi> {
    const key = JSON.stringify(c);
    const cached = this.clients.get(c.id);
    if (cached && cached.key === key) return cached.client;
    const client = this.create(c);
    this.clients.set(c.id, { key, client });
    client.catch(() => {
      if (this.clients.get(c.id)?.client === client) this.clients.delete(c.id);
    });
    return client;
  }

  private async create(c: ConnectionSettings): Promise<PveApi> {
    const secret = await this.store.secret(c.id);
    if (!secret) throw new SecretMissingError(c.name);
    const { PveClient } = await import('../../core/pve/client.js');
    const client = new PveClient(targetOf(c), secret, {
      onRequest: () => this.counts.set(c.id, (this.counts.get(c.id) ?? 0) + 1),
    });
    this.owners.set(client, c.id);
    return client;
  }

  /** A throw-away client for testing settings before they are saved. */
  static async probe(c: ConnectionSettings, secret: string): Promise<PveApi> {
    const { PveClient } = await import('../../core/pve/client.js');
    return new PveClient({ ...targetOf(c), timeoutMs: 15_000 }, secret, { retry: { attempts: 1 } });
  }
}
