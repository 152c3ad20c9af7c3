/**
 * Which kinds of infrastructure workspace a folder holds, from its file list alone (no reads, no tools), so
 * detection is cheap and testable. A workspace may hold several kinds, in sub-folders.
 */

export type WorkspaceKind = 'iac-driver' | 'tofu' | 'terranix' | 'taskfile' | 'clan';

export interface DetectedWorkspace {
  readonly kind: WorkspaceKind;
  /** Folder, relative to the workspace folder, `''` for its root; `/`-separated. */
  readonly dir: string;
  /** iac-driver: manifest names (files under `manifests/`, without extension), sorted. */
  readonly manifests?: readonly string[];
  /** iac-driver: node names (files under `nodes/`), the hosts a manifest can run against, sorted. */
  readonly nodes?: readonly string[];
  /**
   * clan: the Terranix workspace's name as the repository's script takes it (`shared`, a machine's name) and
   * its git-tracked state folder (`terraform-state/shared`, `terraform-state/machines/<name>`), relative to
   * `dir` (the repository root).
   */
  readonly workspace?: string;
  readonly stateDir?: string;
  /** clan: the file that defines the workspace, relative to `dir` (for lenses and the Run Task detail). */
  readonly source?: string;
}

export const WORKSPACE_KIND_LABELS: Record<WorkspaceKind, string> = {
  'iac-driver': 'iac-driver',
  tofu: 'OpenTofu/Terraform',
  terranix: 'Terranix',
  taskfile: 'Taskfile',
  clan: 'Clan Terranix',
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
  return [...out, ...detectClanWorkspaces(paths)];
}

/** Seed 001's git-tracked state folder of a Clan Terranix workspace, relative to the repository root. */
export function clanStateDir(workspace: string): string {
  return workspace === 'shared' ? 'terraform-state/shared' : `terraform-state/machines/${workspace}`;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Clan + Terranix (seed 001): `inventory/infrastructure/` is the `shared` workspace,
 * `machines/<name>/infrastructure.nix` and (in real repositories, with a clan inventory)
 * `hosts/<name>/terraform-configuration.nix` one workspace per machine. The repository root is the folder
 * that holds `flake.nix` above them (the paths' common prefix otherwise). Machine names that are not plain
 * names are left out: they reach a command line.
 */
function detectClanWorkspaces(paths: readonly string[]): DetectedWorkspace[] {
  const found = new Map<string, DetectedWorkspace>();
  const flakeDirs = new Set(paths.filter((p) => baseOf(p) === 'flake.nix').map(dirOf));
  const rootFor = (prefix: string) => (flakeDirs.has(prefix) || !flakeDirs.size ? prefix : undefined);
  for (const p of paths) {
    let m = /^(?:(.*)\/)?inventory\/infrastructure\/.+\.nix$/.exec(p);
    if (m) {
      const root = rootFor(m[1] ?? '');
      if (root !== undefined) found.set(`${root}\0shared`, { kind: 'clan', dir: root, workspace: 'shared', stateDir: clanStateDir('shared'), source: 'inventory/infrastructure' });
      continue;
    }
    m = /^(?:(.*)\/)?(machines|hosts)\/([^/]+)\/(infrastructure|terraform-configuration)\.nix$/.exec(p);
    if (!m || (m[2] === 'machines') !== (m[4] === 'infrastructure') || !SAFE_SEGMENT.test(m[3])) continue;
    const root = rootFor(m[1] ?? '');
    if (root === undefined) continue;
    found.set(`${root}\0${m[3]}`, { kind: 'clan', dir: root, workspace: m[3], stateDir: clanStateDir(m[3]), source: `${m[2]}/${m[3]}/${m[4]}.nix` });
  }
  return [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir) || (a.workspace === 'shared' ? -1 : b.workspace === 'shared' ? 1 : a.workspace!.localeCompare(b.workspace!)));
}
