/**
 * Which kinds of infrastructure workspace a folder holds, from its file list alone (no reads, no tools), so
 * detection is cheap and testable. A workspace may hold several kinds, in sub-folders.
 */

export type WorkspaceKind = 'iac-driver' | 'tofu' | 'terranix' | 'taskfile';

export interface DetectedWorkspace {
  readonly kind: WorkspaceKind;
  /** Folder, relative to the workspace folder, `''` for its root; `/`-separated. */
  readonly dir: string;
  /** iac-driver: manifest names (files under `manifests/`, without extension), sorted. */
  readonly manifests?: readonly string[];
  /** iac-driver: node names (files under `nodes/`), the hosts a manifest can run against, sorted. */
  readonly nodes?: readonly string[];
}

export const WORKSPACE_KIND_LABELS: Record<WorkspaceKind, string> = {
  'iac-driver': 'iac-driver',
  tofu: 'OpenTofu/Terraform',
  terranix: 'Terranix',
  taskfile: 'Taskfile',
};

/** Folders whose contents are tools' caches or other projects, never a workspace of ours. */
const IGNORED = /(^|\/)(\.git|\.terraform|node_modules|\.direnv|result)(\/|$)/;

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

function stem(name: string): string {
  return name.replace(/\.[^.]*$/, '');
}

/** `files`: paths relative to the workspace folder, `/`-separated. */
export function detectWorkspaces(files: readonly string[]): DetectedWorkspace[] {
  const paths = files.map((f) => f.replaceAll('\\', '/')).filter((f) => !IGNORED.test(f));
  const byDir = new Map<string, Set<string>>();
  for (const p of paths) {
    const dir = dirOf(p);
    let names = byDir.get(dir);
    if (!names) byDir.set(dir, (names = new Set()));
    names.add(baseOf(p));
  }
  const out: DetectedWorkspace[] = [];
  for (const [dir, names] of [...byDir].sort(([a], [b]) => a.localeCompare(b))) {
    const has = (n: string) => names.has(n);
    if (has('site.yaml') || has('site.yaml.example')) {
      const under = (sub: string) =>
        [...(byDir.get(dir ? `${dir}/${sub}` : sub) ?? [])].filter((n) => /\.ya?ml$/i.test(n)).map(stem).sort();
      const manifests = under('manifests');
      if (manifests.length) out.push({ kind: 'iac-driver', dir, manifests, nodes: under('nodes') });
    }
    if ([...names].some((n) => /\.(tf|tofu)$/.test(n))) out.push({ kind: 'tofu', dir });
    if (has('flake.nix') && has('hosts.nix')) out.push({ kind: 'terranix', dir });
    if (['Taskfile.yml', 'Taskfile.yaml', 'taskfile.yml', 'taskfile.yaml'].some(has)) out.push({ kind: 'taskfile', dir });
  }
  return out;
}
