/** The simulator's authentication: API tokens (`PVEAPIToken=…`) and tickets (cookie + CSRF token on writes), as pve-http-server checks them. */
import type { IncomingMessage } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import type { Principal } from './handlers';
import type { SimState } from './state';
import type { Value } from './validate';

const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;

export class SimAuth {
  private readonly tickets = new Map<string, { user: string; csrf: string; issued: number }>();
  private readonly csrfSecret = randomBytes(32);

  constructor(private readonly state: SimState) {}

  /** For ticket-auth tests: make every issued ticket look expired. */
  expireTickets(): void {
    for (const t of this.tickets.values()) t.issued = 0;
  }

  authenticate(req: IncomingMessage, method: string): { principal: Principal; kind: 'token' | 'ticket' } | { error: string; kind: 'token' | 'ticket' | 'none' } {
    const authz = String(req.headers.authorization ?? '');
    const tokenMatch = /(?:^|\s)PVEAPIToken(?:=| )([^;]*)/.exec(authz);
    if (tokenMatch) {
      const value = tokenMatch[1].trim();
      const bang = value.indexOf('!');
      const eq = value.indexOf('=', bang);
      const id = eq > 0 ? value.slice(0, eq) : value;
      const secret = eq > 0 ? value.slice(eq + 1) : '';
      const token = this.state.tokens.get(id);
      if (!token || bang < 0 || token.secret !== secret) return { error: 'Authentication failed!', kind: 'token' };
      const acl = token.acl;
      return {
        kind: 'token',
        principal: { user: id.slice(0, bang), tokenid: id, can: (path, priv) => this.state.hasPrivilege(acl, path, priv) },
      };
    }
    const cookie = String(req.headers.cookie ?? '');
    const ticket = /(?:^|;\s*)PVEAuthCookie=([^;]*)/.exec(cookie)?.[1] ?? /(?:^|\s)PVEAuthCookie=([^;\s]*)/.exec(authz)?.[1];
    if (!ticket) return { error: 'No ticket', kind: 'none' };
    let decoded: string;
    try {
      decoded = decodeURIComponent(ticket);
    } catch {
      // Not even percent-decodable: as bad as any other forged ticket.
      return { error: 'Authentication failed!', kind: 'ticket' };
    }
    const t = this.tickets.get(decoded);
    if (!t || Date.now() - t.issued > TICKET_LIFETIME_MS) return { error: 'Authentication failed!', kind: 'ticket' };
    if (method !== 'GET' && req.headers.csrfpreventiontoken !== t.csrf) return { error: 'Permission denied - invalid csrf token', kind: 'ticket' };
    const user = this.state.users.get(t.user);
    const acl = user?.acl ?? [];
    return { kind: 'ticket', principal: { user: t.user, can: (path, priv) => this.state.hasPrivilege(acl, path, priv) } };
  }

  /** POST /access/ticket: a new ticket for a user's password or a still-valid ticket of that user; undefined when refused. */
  login(params: Record<string, Value>): { username: string; ticket: string; csrf: string } | undefined {
    let username = String(params.username);
    if (params.realm !== undefined && !username.includes('@')) username = `${username}@${String(params.realm)}`;
    const password = String(params.password);
    const user = this.state.users.get(username);
    const renewing = this.tickets.get(password);
    const ok = user && (user.password === password || (renewing && renewing.user === username && Date.now() - renewing.issued <= TICKET_LIFETIME_MS));
    if (!ok) return undefined;
    const stamp = Math.floor(Date.now() / 1000).toString(16).toUpperCase().padStart(8, '0');
    const ticket = `PVE:${username}:${stamp}::${randomBytes(256).toString('base64')}`;
    const csrf = `${stamp}:${createHmac('sha256', this.csrfSecret).update(`${stamp}:${username}`).digest('base64').replace(/=+$/, '')}`;
    this.tickets.set(ticket, { user: username, csrf, issued: Date.now() });
    return { username, ticket, csrf };
  }
}
