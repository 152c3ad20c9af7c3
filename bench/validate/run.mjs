#!/usr/bin/env node
// npm run bench validate: the IaC validator against Red Hat's yaml-language-server, then the worst-case
// inputs (TypeScript via tsx).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
let status = 0;
for (const script of ['bench/validate/bench.ts', 'bench/validate/worst.ts']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
