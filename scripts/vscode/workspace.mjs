// The test and demo workspaces, built from one source: test/fixtures/examples, less what a workspace leaves out,
// plus its own files (test/fixtures/overlays/<name>, copied over the top). A suite's `workspace` (suite.mjs) is
// either such a spec or a repo-relative folder copied as it is (the benchmarks' own workspaces).
import { cpSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const EXAMPLES = 'test/fixtures/examples';
/** Left out of every workspace: where the examples came from (a note for maintainers, not IaC). */
const NOT_IAC = ['SOURCES.md'];
/** The parts of the examples the tasks and untrusted suites do without (other projects, the docs, n2's manifests). */
const NOT_TASKS = [...NOT_IAC, 'site-config/docs', 'site-config/manifests/n2-pull.yaml', 'site-config/manifests/n2-push.yaml', 'talos-cluster', 'tofu-bpg'];

/** `{ from, exclude, overlay }`: repo-relative; `exclude` lists files or folders relative to `from`. */
export const workspaces = {
  demo: { from: EXAMPLES, exclude: NOT_IAC, overlay: 'test/fixtures/overlays/demo' },
  explorer: { from: EXAMPLES, exclude: [...NOT_IAC, 'talos-cluster/.taskfiles', 'tofu-bpg'], overlay: 'test/fixtures/overlays/explorer' },
  language: { from: EXAMPLES, exclude: [...NOT_IAC, 'site-config/docs', 'talos-cluster', 'tofu-bpg'], overlay: 'test/fixtures/overlays/language' },
  tasks: { from: EXAMPLES, exclude: [...NOT_TASKS, 'nixos-fleet'], overlay: 'test/fixtures/overlays/tasks' },
  untrusted: { from: EXAMPLES, exclude: NOT_TASKS, overlay: 'test/fixtures/overlays/untrusted' },
};

/** A readable name for errors and logs. */
export function describeWorkspace(workspace) {
  return typeof workspace === 'string' ? workspace : `${workspace.from} + ${workspace.overlay}`;
}

/**
 * Copies `workspace` (a spec from `workspaces` or a repo-relative folder) into `destDir` (which must not exist yet).
 * File modes are kept (copyFile), so executable scripts stay executable.
 */
export function buildWorkspace(repoRoot, workspace, destDir) {
  if (typeof workspace === 'string') {
    const dir = join(repoRoot, workspace);
    if (!existsSync(dir)) throw new Error(`workspace ${workspace} does not exist.`);
    cpSync(dir, destDir, { recursive: true });
    return;
  }
  const from = join(repoRoot, workspace.from);
  const overlay = join(repoRoot, workspace.overlay);
  for (const dir of [from, overlay]) if (!existsSync(dir)) throw new Error(`workspace ${describeWorkspace(workspace)}: ${dir} does not exist.`);
  for (const p of workspace.exclude ?? []) if (!existsSync(join(from, p))) throw new Error(`workspace ${describeWorkspace(workspace)}: excluded ${p} is not in ${workspace.from}.`);
  const excluded = new Set((workspace.exclude ?? []).map((p) => p.split('/').join(sep)));
  cpSync(from, destDir, { recursive: true, filter: (src) => !excluded.has(relative(from, src)) });
  cpSync(overlay, destDir, { recursive: true, force: true });
}
