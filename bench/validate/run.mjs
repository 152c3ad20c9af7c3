#!/usr/bin/env node
// npm run bench validate: the IaC validator against Red Hat's yaml-language-server (TypeScript via tsx).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/validate/bench.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
