/**
 * The simulator for the provisioning suite in its own process, with a control server on 127.0.0.1 so tests
 * can read a guest's config and make the next start of a VM fail (SimState.injectTaskFailure).
 * Writes `{ url, fingerprint, tokens, control }` to the file named by argv[2].
 */
import { renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { startSimulator } from '../../../src/sim';

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

void (async () => {
  const infoFile = process.argv[2];
  if (!infoFile) throw new Error('usage: sim-host.ts INFO_FILE');
  const sim = await startSimulator({ seed: 'demo', taskDurationMs: 200 });
  const control = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let answer: unknown = { ok: true };
        if (req.method === 'POST' && url.pathname === '/fail-start') {
          const b = await body(req);
          sim.state.injectTaskFailure({ type: 'qmstart', vmid: Number(b.vmid), exitstatus: 'start failed: QEMU exited with code 1' });
        } else if (req.method === 'GET' && url.pathname.startsWith('/guest/')) {
          const g = sim.state.guests.get(Number(url.pathname.slice(7)));
          answer = g ? { exists: true, status: g.status, node: g.node, config: g.config } : { exists: false };
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
  writeFileSync(`${infoFile}.tmp`, JSON.stringify({ url: sim.url, fingerprint: sim.fingerprint, tokens: sim.tokens, control: `http://127.0.0.1:${port}` }), { mode: 0o600 });
  renameSync(`${infoFile}.tmp`, infoFile);
  const stop = (): void => {
    control.close();
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})();
