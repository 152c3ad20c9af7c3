#!/usr/bin/env node
// Explorer refresh benchmark against the simulator (5,000 guests on 20 nodes by default):
//   - requests per refresh (must be 1: one GET /cluster/resources, counted by the simulator),
//   - time from the response body to tree rows (the client's reader, src/core/pve/sliced.ts, which takes the
//     text straight into the model, + buildSubTree), as a ratio to JSON.parse of the same body, measured in
//     turns in one process (target ≤ 2×),
//   - an unchanged refresh: time, and how many rows it reports changed (target 0 = no item re-rendered).
// The measured work is src/core (no VS Code). Writes bench/results/explorer.json.
//   node bench/explorer/run.mjs [--guests N] [--nodes M] [--rounds R]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const GUESTS = arg('guests', 5000);
const NODES = arg('nodes', 20);
const ROUNDS = arg('rounds', 30);
const TARGET_RATIO = 2;

// Each timed step starts from a collected heap (below), which needs --expose-gc: run again with it.
if (!globalThis.gc) {
  const child = spawnSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
const gc = globalThis.gc;

// The measured code is bundled and minified by esbuild the way scripts/build.mjs bundles the extension, so
// the numbers are those of the shipped code (a TypeScript loader would add its own indirections).
const bundleDir = mkdtempSync(join(tmpdir(), 'proxmox-iac-bench-explorer-'));
const bundle = join(bundleDir, 'explorer-bench.cjs');
await esbuild.build({
  stdin: {
    contents: [
      "export { startSimulator } from './src/sim/index';",
      "export { PveClient } from './src/core/pve/client';",
      "export { clusterResourcesInSlices } from './src/core/pve/sliced';",
      "export { PinnedAgent } from './src/core/pve/tls';",
      "export { buildSubTree, changedRows, DEFAULT_TREE_OPTIONS } from './src/core/explorer/index';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  outfile: bundle,
  logLevel: 'warning',
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
});
const { startSimulator, PveClient, clusterResourcesInSlices, PinnedAgent, buildSubTree, changedRows, DEFAULT_TREE_OPTIONS } = createRequire(import.meta.url)(bundle);

const sim = await startSimulator({ seed: { guests: GUESTS, nodes: NODES } });
const token = sim.tokens.admin;
const target = { url: sim.url, user: token.id, auth: 'token', fingerprint: sim.fingerprint };
const ROOT = 'conn:bench';

/** The raw body of GET /cluster/resources, as the client receives it (pinned certificate, token header). */
function fetchBody() {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}/api2/json/cluster/resources`,
      { agent: new PinnedAgent(sim.fingerprint), headers: { Authorization: `PVEAPIToken=${token.id}=${token.secret}` } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

try {
  // 1. Requests per refresh, through the real client: a refresh is clusterResources() and nothing else.
  const client = new PveClient(target, token.secret);
  const perRefresh = [];
  let prev;
  for (let i = 0; i < 3; i++) {
    const before = sim.requests.length;
    const snapshot = await client.clusterResources();
    const tree = buildSubTree({ rootId: ROOT, snapshot, options: DEFAULT_TREE_OPTIONS });
    changedRows(prev, tree, ROOT);
    prev = tree;
    perRefresh.push(sim.requests.slice(before).map((r) => `${r.method} ${r.path}`));
  }
  const requestsPerRefresh = Math.max(...perRefresh.map((r) => r.length));

  // 2. Response → rows vs JSON.parse, in turns on the same body (absolute times drift between runs). The rows
  // come the way the client reads them: the answer's text through clusterResourcesInSlices (its pauses between
  // slices cost nothing here, so the time is the work alone), then the explorer's rows.
  const body = await fetchBody();
  const wire = { status: 200, statusText: 'OK', headers: {}, body };
  const noPause = () => Promise.resolve();
  const toModelOf = async (text) => (await clusterResourcesInSlices({ ...wire, body: text }, 'GET /cluster/resources', noPause)).data;
  const parseMs = [];
  const toRowsMs = [];
  const modelMs = [];
  const buildMs = [];
  let rows = 0;
  // Each timed step starts from a collected heap, so neither pays for the garbage the other left behind.
  const collect = gc;
  for (let i = 0; i < ROUNDS + 5; i++) {
    collect();
    let t = performance.now();
    JSON.parse(body);
    const p = performance.now() - t;
    collect();
    t = performance.now();
    const snapshot = await toModelOf(body);
    const t2 = performance.now();
    const tree = buildSubTree({ rootId: ROOT, snapshot, options: DEFAULT_TREE_OPTIONS });
    const t3 = performance.now();
    rows = tree.rows.size;
    if (i >= 5) {
      // the first rounds warm the JIT up
      parseMs.push(p);
      toRowsMs.push(t3 - t);
      modelMs.push(t2 - t);
      buildMs.push(t3 - t2);
    }
  }
  const ratio = median(toRowsMs) / median(parseMs);

  // 3. An unchanged refresh: same cluster state, a fresh response; rows reported changed must be 0.
  const first = buildSubTree({ rootId: ROOT, snapshot: await toModelOf(await fetchBody()), options: DEFAULT_TREE_OPTIONS });
  const secondBody = await fetchBody();
  const unchangedMs = [];
  let changedOnUnchanged = [];
  for (let i = 0; i < ROUNDS; i++) {
    collect();
    const t = performance.now();
    const next = buildSubTree({ rootId: ROOT, snapshot: await toModelOf(secondBody), options: DEFAULT_TREE_OPTIONS });
    changedOnUnchanged = changedRows(first, next, ROOT);
    unchangedMs.push(performance.now() - t);
  }
  // And one guest changing state re-renders exactly that row.
  const g = [...sim.state.guests.values()].find((x) => !x.template && x.status === 'stopped');
  let changedOnOne;
  if (g) {
    g.status = 'running';
    const next = buildSubTree({ rootId: ROOT, snapshot: await toModelOf(await fetchBody()), options: DEFAULT_TREE_OPTIONS });
    changedOnOne = changedRows(first, next, ROOT);
  }

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    guests: GUESTS,
    nodes: NODES,
    bodyBytes: Buffer.byteLength(body),
    rows,
    requestsPerRefresh,
    requestsSeen: perRefresh[0],
    jsonParseMs: +median(parseMs).toFixed(2),
    responseToRowsMs: +median(toRowsMs).toFixed(2),
    ofWhichTextToModelMs: +median(modelMs).toFixed(2),
    ofWhichTreeBuildMs: +median(buildMs).toFixed(2),
    ratioToJsonParse: +ratio.toFixed(2),
    // The split: the client's reader, text to model (src/core/pve/sliced.ts), and the explorer's own rows
    // (src/core/explorer).
    textToModelRatio: +(median(modelMs) / median(parseMs)).toFixed(2),
    treeBuildRatio: +(median(buildMs) / median(parseMs)).toFixed(2),
    unchangedRefreshMs: +median(unchangedMs).toFixed(2),
    rowsChangedOnUnchangedRefresh: changedOnUnchanged.length,
    rowsChangedWhenOneGuestStarts: changedOnOne?.length,
    targets: { requestsPerRefresh: 1, ratioToJsonParse: TARGET_RATIO, rowsChangedOnUnchangedRefresh: 0 },
    met: requestsPerRefresh === 1 && ratio <= TARGET_RATIO && changedOnUnchanged.length === 0,
  };
  if (!result.met) {
    console.error(
      `explorer bench: target missed — requests/refresh ${requestsPerRefresh} (1), ratio ${result.ratioToJsonParse}× (≤ ${TARGET_RATIO}×: ` +
        `text to model ${result.textToModelRatio}× + tree rows ${result.treeBuildRatio}×), rows changed on an unchanged refresh ${changedOnUnchanged.length} (0).`,
    );
  }
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'explorer.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  if (!result.met) process.exitCode = 1;
} finally {
  await sim.stop();
  rmSync(bundleDir, { recursive: true, force: true });
}
