// Time budgets for tests that run on a loaded machine.
//
// A budget in wall-clock time fails whenever other processes compete for the cores (CI runners, `npm run
// test:load`), although the code is as fast as ever. The CPU time this process spent does not grow with the
// load, so a budget for in-process work is measured in CPU time: on an idle machine the two are the same, which
// is what a user waits for.

/** CPU time (user + system, all threads) this process has used so far, in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `work` and returns its result with the CPU time this process spent meanwhile. */
export async function measureCpu<T>(work: () => T | Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const start = cpuMs();
  const result = await work();
  return { result, cpuMs: cpuMs() - start };
}
