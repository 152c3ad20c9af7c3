/**
 * Runs the simulator for the connections suite in its own process (started by suite.mjs through tsx), a
 * "tripwire" TCP listener that only counts who connects to it (a workspace file offers it as an endpoint;
 * offering must never connect), and a control server the tests read both from. Writes
 * `{ url, fingerprint, tokens, tripwire, control }` as JSON to the file named by argv[2]. All on 127.0.0.1.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { startSimulator } from '../../../src/sim';

async function listen(server: Server | ReturnType<typeof createServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

void (async () => {
  const infoFile = process.argv[2];
  if (!infoFile) throw new Error('usage: sim-host.ts INFO_FILE');
  const sim = await startSimulator({ seed: 'demo' });
  let tripwireConnections = 0;
  const tripwire = createTcpServer((socket) => {
    tripwireConnections++;
    socket.destroy();
  });
  const control = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === '/tripwire') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ connections: tripwireConnections }));
    } else if (req.method === 'GET' && path === '/requests') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ requests: sim.requests.map((r) => `${r.method} ${r.path}`) }));
    } else {
      res.writeHead(404).end();
    }
  });
  const tripwirePort = await listen(tripwire);
  const controlPort = await listen(control);
  // Written whole, then renamed: suite.mjs reads the file as soon as it exists.
  writeFileSync(
    `${infoFile}.tmp`,
    JSON.stringify({ url: sim.url, fingerprint: sim.fingerprint, tokens: sim.tokens, tripwire: `https://127.0.0.1:${tripwirePort}`, control: `http://127.0.0.1:${controlPort}` }),
    { mode: 0o600 },
  );
  renameSync(`${infoFile}.tmp`, infoFile);
  const stop = (): void => {
    tripwire.close();
    control.close();
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})();
