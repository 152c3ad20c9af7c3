/**
 * The embedded Proxmox VE 9.1 simulator: an HTTPS server on 127.0.0.1 with a certificate made at start,
 * held to the official API schema. Used by the tests, the benchmarks, `proxmox-iac simulate` and the demo.
 *
 *   const sim = await startSimulator({ seed: 'demo' });
 *   const client = new PveClient({ url: sim.url, user: sim.tokens.admin.id, auth: 'token', fingerprint: sim.fingerprint }, sim.tokens.admin.secret);
 */
import { readFileSync } from 'node:fs';
import { generateSelfSignedCert } from './cert';
import { addCredentials, buildState, demoSpec, generatedSpec, type SeedSpec, type SimCredentials } from './seed';
import { SimServer, type Fault, type LoggedRequest } from './server';
import type { SimState } from './state';

export type { Fault, LoggedRequest } from './server';
export type { SeedSpec, SeedGuest } from './seed';
export type { SimState, SimGuest, SimTask, AclEntry } from './state';

export interface SimulatorOptions {
  /** 0 or absent: a free port. */
  readonly port?: number;
  /** `demo` (default) or a generated cluster. */
  readonly seed?: 'demo' | { readonly guests: number; readonly nodes: number };
  /** A JSON file in the SeedSpec shape; wins over `seed`. */
  readonly seedFile?: string;
  /** How long each task runs (default 300 ms). */
  readonly taskDurationMs?: number;
  /** Delay before a 401 answer (real PVE: about 3000 ms; default 50 ms). */
  readonly authFailureDelayMs?: number;
  /** Idle keep-alive timeout of the server's connections (default: Node's 5 s). */
  readonly keepAliveTimeoutMs?: number;
}

export interface RunningSimulator {
  /** `https://127.0.0.1:PORT` — pass as ConnectionTarget.url. */
  readonly url: string;
  readonly port: number;
  /** SHA-256 fingerprint of the certificate, `AA:BB:…`. */
  readonly fingerprint: string;
  /** PEM of the certificate (for tests that verify normally with it as CA). */
  readonly certificate: string;
  readonly tokens: SimCredentials['tokens'];
  readonly users: SimCredentials['users'];
  /** The live cluster: inspect or change guests, tasks, tokens. */
  readonly state: SimState;
  /** Every request so far (method, path, params, status); tests may clear it with `requests.length = 0`. */
  readonly requests: LoggedRequest[];
  /** TLS connections accepted so far. */
  readonly connections: number;
  /** Makes requests whose API path matches (`*` wildcards or a RegExp) slow, fail or reset. */
  injectFault(pathPattern: string | RegExp, fault: Fault): void;
  clearFaults(): void;
  /** Makes every issued ticket expire now (ticket-renewal tests). */
  expireTickets(): void;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const spec: SeedSpec = options.seedFile
    ? (JSON.parse(readFileSync(options.seedFile, 'utf8')) as SeedSpec)
    : options.seed === undefined || options.seed === 'demo'
      ? demoSpec()
      : generatedSpec(options.seed.guests, options.seed.nodes);
  const state = buildState(spec, options.taskDurationMs ?? 300);
  const credentials = addCredentials(state);
  const { key, cert, fingerprint } = generateSelfSignedCert();
  const server = new SimServer({ state, key, cert, authFailureDelayMs: options.authFailureDelayMs ?? 50,
    ...(options.port ? { port: options.port } : {}),
    ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: options.keepAliveTimeoutMs } : {}),
  });
  const port = await server.listen();
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    fingerprint,
    certificate: cert,
    tokens: credentials.tokens,
    users: credentials.users,
    state,
    requests: server.requests,
    get connections() {
      return server.connections;
    },
    injectFault: (p, f) => server.injectFault(p, f),
    clearFaults: () => server.clearFaults(),
    expireTickets: () => server.expireTickets(),
    stop: async () => {
      state.dispose();
      await server.close();
    },
  };
}
