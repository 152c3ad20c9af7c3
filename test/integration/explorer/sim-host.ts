/**
 * Runs the simulator for the explorer suite in its own process (started by suite.mjs through tsx) and a
 * small control server next to it, so tests inside the extension host can inject faults and read the
 * request log. Writes `{ url, fingerprint, tokens, control }` as JSON to the file named by argv[2].
 * Both servers listen on 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { startSimulator, type Fault } from '../../../src/sim';

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

void (async () => {
  const infoFile = process.argv[2];
  if (!infoFile) throw new Error('usage: sim-host.ts INFO_FILE');
  // Tasks take long enough that a test sees the guest locked, short enough to keep the suite quick.
  const sim = await startSimulator({ seed: 'demo', taskDurationMs: 600 });
  const control = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let answer: unknown = { ok: true };
        if (req.method === 'POST' && url.pathname === '/fault') {
          const b = await body(req);
          // Any status: the suite injects a 403 to see how the tree shows a missing privilege.
          sim.injectFault(String(b.path), { status: b.status as Fault['status'], message: typeof b.message === 'string' ? b.message : '', ...(typeof b.times === 'number' ? { times: b.times } : {}) });
        } else if (req.method === 'POST' && url.pathname === '/rotate-token') {
          // As `pveum user token add … --overwrite` would: the old secret is refused from now on (401).
          const token = sim.state.tokens.get(String((await body(req)).id));
          if (!token) throw new Error('no such token');
          token.secret = randomUUID();
          answer = { secret: token.secret };
        } else if (req.method === 'POST' && url.pathname === '/clear-faults') {
          sim.clearFaults();
        } else if (req.method === 'GET' && url.pathname === '/requests') {
          answer = { requests: sim.requests.map((r) => `${r.method} ${r.path}`) };
        } else if (req.method === 'GET' && url.pathname.startsWith('/guest/')) {
          const g = [...sim.state.guests.values()].find((x) => x.vmid === Number(url.pathname.slice(7)));
          answer = g ? { status: g.status, lock: g.lock ?? null } : { status: null };
        } else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const address = control.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Written whole, then renamed: suite.mjs reads the file as soon as it exists (a loaded machine once caught it empty).
  writeFileSync(`${infoFile}.tmp`, JSON.stringify({ url: sim.url, fingerprint: sim.fingerprint, tokens: sim.tokens, control: `http://127.0.0.1:${port}` }), { mode: 0o600 });
  renameSync(`${infoFile}.tmp`, infoFile);
  const stop = (): void => {
    control.close();
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})();
