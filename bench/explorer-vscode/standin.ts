/**
 * A 127.0.0.1 stand-in for the explorer benchmark: an HTTPS server answering GET /api2/json/cluster/resources
 * with real-shaped bodies (each entry's keys in a shuffled order, as PVE's Perl hashes send them) for one or
 * more connections (told apart by their token id, `bench@pve!c<N>`), and an HTTP control server:
 *   POST /scenario {connections, guests, nodes}  new data sets, generation 0
 *   POST /bump                                      next generation: every guest's CPU % and memory change
 *   GET  /log                                       [{ connection, at, bytes }] of the resources requests
 *   POST /clear                                     empties the log
 * `at` is when the request reached the server, in ms since the epoch (performance.timeOrigin + now()), the
 * clock the page's MutationObserver uses too. Bodies are built before they are asked for, so the timing
 * starts when the request arrives, not when a body is generated. Writes `{ url, fingerprint, control }` to
 * the file named by argv[2].
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { generateSelfSignedCert } from '../../src/sim/cert';

interface Scenario {
  connections: number;
  guests: number;
  nodes: number;
}

const GIB = 1024 ** 3;
let scenario: Scenario = { connections: 1, guests: 4, nodes: 1 };
let generation = 0;
let bodies: Buffer[] = [];
const log: { connection: number; at: number; bytes: number }[] = [];

/** A deterministic shuffle per entry (PVE's key order looks random and differs between entries). */
function shuffled(entries: [string, unknown][], seed: number): [string, unknown][] {
  let s = seed >>> 0 || 1;
  for (let i = entries.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  return entries;
}

function entryText(fields: [string, unknown][], seed: number): string {
  return `{${shuffled(fields, seed)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** Every running guest's CPU % and memory take a new value in each generation, the same for all guests. */
function body(connection: number, gen: number): Buffer {
  const { guests, nodes } = scenario;
  const parts: string[] = [];
  const cpu = ((gen * 7) % 90) / 100 + 0.05;
  for (let n = 0; n < nodes; n++) {
    const node = `pve${String(n + 1).padStart(2, '0')}`;
    parts.push(
      entryText(
        [
          ['id', `node/${node}`], ['type', 'node'], ['node', node], ['status', 'online'], ['cpu', 0.25], ['maxcpu', 64],
          ['mem', 200 * GIB], ['maxmem', 512 * GIB], ['disk', 20 * GIB], ['maxdisk', 100 * GIB], ['uptime', 86400], ['level', ''],
        ],
        n + 1,
      ),
      entryText(
        [
          ['id', `storage/${node}/local-lvm`], ['type', 'storage'], ['storage', 'local-lvm'], ['node', node], ['status', 'available'],
          ['disk', 300 * GIB], ['maxdisk', 900 * GIB], ['shared', 0], ['content', 'images,rootdir'], ['plugintype', 'lvmthin'],
        ],
        n + 7,
      ),
    );
  }
  for (let i = 0; i < guests; i++) {
    const vmid = 100 + connection * 100_000 + i;
    const node = `pve${String((i % nodes) + 1).padStart(2, '0')}`;
    const type = i % 5 === 4 ? 'lxc' : 'qemu';
    const maxmem = (2 + (i % 4) * 2) * GIB;
    parts.push(
      entryText(
        [
          ['id', `${type}/${vmid}`], ['type', type], ['vmid', vmid], ['name', `${type === 'lxc' ? 'ct' : 'vm'}-${vmid}`], ['node', node],
          ['status', 'running'], ['cpu', cpu], ['maxcpu', 2 + (i % 3) * 2], ['mem', Math.round(maxmem * (0.2 + ((gen * 3) % 60) / 100))],
          ['maxmem', maxmem], ['disk', 0], ['maxdisk', 32 * GIB], ['uptime', 1000 + gen * 5], ['netin', 1000 * gen + i], ['netout', 500 * gen + i],
          ['diskread', 4096 * gen], ['diskwrite', 2048 * gen], ['template', 0], ['tags', i % 3 === 0 ? 'prod;web' : 'lab'],
        ],
        vmid,
      ),
    );
  }
  return Buffer.from(`{"data":[${parts.join(',')}]}`);
}

function prepare(): void {
  bodies = Array.from({ length: scenario.connections }, (_, c) => body(c, generation));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

void (async () => {
  const infoFile = process.argv[2];
  if (!infoFile) throw new Error('usage: standin.ts INFO_FILE');
  prepare();
  const { key, cert, fingerprint } = generateSelfSignedCert();
  const api = createHttpsServer({ key, cert, keepAlive: true }, (req, res) => {
    const at = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const m = /PVEAPIToken=bench@pve!c(\d+)=/.exec(String(req.headers.authorization ?? ''));
    const connection = m ? Number(m[1]) : -1;
    if (url.pathname === '/api2/json/cluster/resources' && bodies[connection]) {
      const b = bodies[connection];
      log.push({ connection, at, bytes: b.length });
      res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': b.length }).end(b);
      return;
    }
    if (url.pathname === '/api2/json/version') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"data":{"version":"9.1.1","release":"9.1","repoid":"bench"}}');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"data":null,"message":"not in the stand-in"}');
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const control = createServer((req, res) => {
    void (async () => {
      try {
        let answer: unknown = { ok: true };
        if (req.method === 'POST' && req.url === '/scenario') {
          const b = await readJson(req);
          scenario = { connections: Number(b.connections ?? 1), guests: Number(b.guests ?? 4), nodes: Number(b.nodes ?? 1) };
          generation = 0;
          prepare();
          answer = { bytes: bodies.map((x) => x.length) };
        } else if (req.method === 'POST' && req.url === '/bump') {
          generation++;
          prepare();
          answer = { generation, cpuText: `${Math.round((((generation * 7) % 90) / 100 + 0.05) * 100)}%` };
        } else if (req.method === 'GET' && req.url === '/log') {
          answer = { log };
        } else if (req.method === 'POST' && req.url === '/clear') {
          log.length = 0;
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
  const port = (s: { address(): unknown }): number => (s.address() as { port: number }).port;
  writeFileSync(infoFile, JSON.stringify({ url: `https://127.0.0.1:${port(api)}`, fingerprint, control: `http://127.0.0.1:${port(control)}` }), { mode: 0o600 });
  const stop = (): void => {
    control.close();
    api.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})();
