/**
 * See run.mjs. Measures what the explorer pays per refresh: the number of requests, the wall time of
 * clusterResources() over HTTPS, and the CPU time of the client's boundary (the answer's text into the model,
 * as clusterResources() reads it: sliced.ts, here without its pauses) against JSON.parse alone on the same
 * body — the floor any client must pay (PERF-NOTES.md: shuffled keys).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import { PveClient } from '../../src/core/pve/client';
import { clusterResourcesInSlices } from '../../src/core/pve/sliced';
import { startSimulator } from '../../src/sim/index';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const GUESTS = arg('guests', 5000);
const NODES = arg('nodes', 20);
const ROUNDS = arg('rounds', 15);
const REPS = 5;
const TARGET_RATIO = 2;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU time (user + system) of `reps` runs of fn, in ms per run. */
async function cpuMs(fn: () => unknown, reps: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) await fn();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000 / reps;
}

function rawBody(url: string, ca: string, auth: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(`${url}/api2/json/cluster/resources`, { ca, headers: { Authorization: auth } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const sim = await startSimulator({ seed: { guests: GUESTS, nodes: NODES } });
  try {
    const t = sim.tokens.auditor;
    let requests = 0;
    const client = new PveClient({ url: sim.url, user: t.id, auth: 'token', fingerprint: sim.fingerprint }, t.secret, { onRequest: () => requests++ });

    // Requests per refresh, counted on both sides.
    await client.clusterResources(); // warm-up (TLS, JIT)
    requests = 0;
    const before = sim.requests.length;
    const snap = await client.clusterResources();
    const clientSide = requests;
    const serverSide = sim.requests.length - before;

    // Wall time of a whole refresh over HTTPS (server work included), for context.
    const wall: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await client.clusterResources();
      wall.push(performance.now() - t0);
    }

    // CPU: client boundary vs JSON.parse on the identical body, alternating order each round.
    const body = await rawBody(sim.url, sim.certificate, `PVEAPIToken=${t.id}=${t.secret}`);
    const noPause = (): Promise<void> => Promise.resolve();
    const toModel = (): Promise<unknown> => clusterResourcesInSlices({ status: 200, statusText: 'OK', headers: {}, body }, 'GET /cluster/resources', { pause: noPause });
    const floor = (): unknown => JSON.parse(body);
    for (let i = 0; i < 5; i++) {
      await toModel();
      floor();
    }
    const parseMs: number[] = [];
    const clientMs: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let p: number;
      let c: number;
      if (r % 2 === 0) {
        p = await cpuMs(floor, REPS);
        c = await cpuMs(toModel, REPS);
      } else {
        c = await cpuMs(toModel, REPS);
        p = await cpuMs(floor, REPS);
      }
      parseMs.push(p);
      clientMs.push(c);
      ratios.push(c / p);
    }

    const result = {
      benchmark: 'api',
      date: new Date().toISOString(),
      node: process.version,
      cluster: { guests: snap.guests.length, nodes: snap.nodes.length, storages: snap.storages.length, bodyBytes: Buffer.byteLength(body) },
      requestsPerRefresh: { client: clientSide, server: serverSide, target: 1, ok: clientSide === 1 && serverSide === 1 },
      refreshWallMs: { median: +median(wall).toFixed(2), runs: wall.map((x) => +x.toFixed(2)) },
      boundaryCpu: {
        method: `process.cpuUsage, ${ROUNDS} rounds × ${REPS} runs each, alternating order, median`,
        jsonParseMs: +median(parseMs).toFixed(3),
        clientToModelMs: +median(clientMs).toFixed(3),
        ratio: +median(ratios).toFixed(3),
        target: TARGET_RATIO,
        ok: median(ratios) <= TARGET_RATIO,
      },
    };
    mkdirSync(join(__dirname, '..', 'results'), { recursive: true });
    writeFileSync(join(__dirname, '..', 'results', 'api.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    if (!result.requestsPerRefresh.ok || !result.boundaryCpu.ok) process.exitCode = 1;
  } finally {
    await sim.stop();
  }
}

void main();
