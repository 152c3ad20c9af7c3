// Load mode for the tests: one busy-loop process per core, so that every test runs on a machine with no idle
// core, as CI runners and laptops in a build often are. A test that waits for time instead of state fails here.
//
// Turned on by PROXMOX_IAC_CPU_HOG=1 (or `npm run test:load`). scripts/test-all.mjs starts it once for the
// whole run; scripts/test-unit.mjs and scripts/test-integration.mjs start their own only when run directly.
// Each hog process also watches its parent and exits when the parent is gone, so that a runner killed with
// SIGKILL (or a CI job cancelled) never leaves busy loops behind.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Set in the environment of the runner's children so that nested scripts do not start a second hog. */
const RUNNING = 'PROXMOX_IAC_CPU_HOG_RUNNING';

// Spins, and every 100 ms checks that the process that started it is still its parent.
const LOOP = `
const parent = process.ppid;
let next = Date.now() + 100;
for (;;) {
  for (let i = 0; i < 1e6; i++);
  if (Date.now() >= next) {
    if (process.ppid !== parent) process.exit(0);
    next = Date.now() + 100;
  }
}`;

/** True when load mode is asked for and no enclosing runner has started a hog already. */
export function cpuHogWanted(argv = process.argv) {
  if (process.env[RUNNING] === '1') return false;
  return process.env.PROXMOX_IAC_CPU_HOG === '1' || argv.includes('--cpu-hog');
}

/**
 * Starts one busy loop per core (`PROXMOX_IAC_CPU_HOG_PROCESSES` overrides the count) and returns `stop()`.
 * Marks the environment so that child runners do not start their own. Stops when the runner exits; when it
 * is killed by a signal instead (no handler is installed here: the runners block in spawnSync, where a JS
 * signal handler would only run after the child finished), each loop notices its parent is gone and exits.
 */
export function startCpuHog() {
  const count = Number(process.env.PROXMOX_IAC_CPU_HOG_PROCESSES) || availableParallelism();
  const children = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['-e', LOOP], { stdio: 'ignore' });
    child.unref(); // the runner ends when its own work is done; 'exit' below stops the loops
    children.push(child);
  }
  process.env[RUNNING] = '1';
  console.log(`CPU hog: ${count} busy-loop process(es) running for the whole test run (pids ${children.map((c) => c.pid).join(', ')})`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
  process.on('exit', stop);
  return stop;
}
