#!/usr/bin/env node
// API client benchmark (issue 3): against the simulator with 5,000 guests on 20 nodes, measures
//  - requests per explorer refresh (HTTP requests one clusterResources() makes; target 1), and
//  - the client's CPU time to turn the /cluster/resources body into its model, as a ratio to JSON.parse of the
//    same body (target ≤ 2×), both in this process, alternating, several rounds, median.
// Writes bench/results/api.json and prints it.
//   node bench/api/run.mjs [--guests N] [--nodes M] [--rounds R]
// The work is in bench.ts (TypeScript, run through tsx like the unit tests).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'bench.ts'), ...process.argv.slice(2)], { cwd: join(here, '..', '..'), stdio: 'inherit' });
process.exit(result.status ?? 1);
