/**
 * A site-config tree as iac-driver sees it: entity ids are file names, foreign keys point between files.
 * Directory listings and parsed files are cached until `invalidate`.
 */
import * as nodePath from 'node:path';
import type { FileSource } from '../validate/api';
import { describeRefusal, readOutcome, type Refusal } from '../fs/boundedRead';
import { ENTITY_DIRS, entityDirOf, type EntityDir } from './formats';
import { parseYaml } from './yaml/parse';

export interface LoadedEntity {
  readonly path: string;
  readonly text: string;
  readonly data: unknown;
}

const MARKERS = ['site.yaml', 'site.yaml.example', 'manifests', 'specs', 'presets', 'postures'];

export class SiteConfig {
  private readonly lists = new Map<string, Promise<string[]>>();
  private readonly entities = new Map<string, Promise<LoadedEntity | undefined>>();
  /** Files of the tree that exist but were not read (not a regular file, too large), by path. */
  private readonly refused = new Map<string, Refusal>();
  private readonly schemas = new Map<string, Promise<string | undefined>>();

  constructor(
    readonly root: string,
    private readonly files: FileSource,
  ) {}

  private listing(dir: EntityDir): Promise<string[]> {
    let p = this.lists.get(dir);
    if (!p) {
      p = this.files.listDir(nodePath.join(this.root, dir)).catch(() => [] as string[]);
      this.lists.set(dir, p);
    }
    return p;
  }

  /** Ids (file names without .yaml) of the entities in one folder, sorted. */
  async names(dir: EntityDir): Promise<string[]> {
    const entries = await this.listing(dir);
    return entries.filter((n) => /\.ya?ml$/i.test(n)).map((n) => n.replace(/\.ya?ml$/i, '')).sort();
  }

  async pathOf(dir: EntityDir, id: string): Promise<string | undefined> {
    const entries = await this.listing(dir);
    const file = entries.find((n) => n === `${id}.yaml`) ?? entries.find((n) => n === `${id}.yml`);
    return file ? nodePath.join(this.root, dir, file) : undefined;
  }

  /** A file of the tree, parsed (first document). Undefined when missing or unreadable. */
  loadFile(path: string): Promise<LoadedEntity | undefined> {
    let p = this.entities.get(path);
    if (!p) {
      p = readOutcome(this.files, path)
        .then((read) => {
          if (read.kind === 'refused') this.refused.set(path, read);
          else this.refused.delete(path);
          if (read.kind !== 'text') return undefined;
          const text = read.text;
          const tree = parseYaml(text);
          return { path, text, data: tree.docs[0]?.data };
        })
        .catch(() => undefined);
      this.entities.set(path, p);
    }
    return p;
  }

  /**
   * Why a file of the tree that exists was not read, as one sentence naming it relative to the root
   * ("presets/x.yaml is not a regular file (a FIFO); not read."), with the severity it deserves: a
   * special file would hang or fail the IaC tools too, an over-large one is only left unchecked.
   */
  refusal(path: string): { message: string; severity: 'error' | 'warning' } | undefined {
    const r = this.refused.get(path);
    if (!r) return undefined;
    const shown = nodePath.relative(this.root, path).split(nodePath.sep).join('/');
    return { message: describeRefusal(shown, r), severity: r.reason === 'not-regular' ? 'error' : 'warning' };
  }

  async load(dir: EntityDir, id: string): Promise<LoadedEntity | undefined> {
    const path = await this.pathOf(dir, id);
    return path ? this.loadFile(path) : undefined;
  }

  /** site.yaml, or site.yaml.example when there is no site.yaml. */
  async site(): Promise<LoadedEntity | undefined> {
    return (await this.loadFile(nodePath.join(this.root, 'site.yaml'))) ?? this.loadFile(nodePath.join(this.root, 'site.yaml.example'));
  }

  /**
   * The text of the site-config's own JSON Schema for one kind of file (`defs/<kind>.schema.json`, or in
   * the first v2 layout `v2/defs/`), from the folders given in order; undefined when it has none.
   */
  async ownSchema(kind: string, folders: readonly string[] = ['defs']): Promise<string | undefined> {
    for (const folder of folders) {
      const path = nodePath.join(this.root, folder, `${kind}.schema.json`);
      let p = this.schemas.get(path);
      if (!p) {
        p = this.files.readFile(path).catch(() => undefined);
        this.schemas.set(path, p);
      }
      const text = await p;
      if (text !== undefined) return text;
    }
    return undefined;
  }

  /**
   * The keys (never the values) of the real secrets.yaml, per section. Undefined when there is no decrypted
   * secrets.yaml: then references into it cannot be checked (the example file lists no real keys).
   */
  async secretKeys(): Promise<Record<string, string[]> | undefined> {
    const secrets = await this.loadFile(nodePath.join(this.root, 'secrets.yaml'));
    if (!secrets || !isRecord(secrets.data)) return undefined;
    const out: Record<string, string[]> = {};
    for (const [section, value] of Object.entries(secrets.data)) out[section] = isRecord(value) ? Object.keys(value) : [];
    return out;
  }

  forget(path?: string): void {
    if (!path) {
      this.lists.clear();
      this.entities.clear();
      this.refused.clear();
      this.schemas.clear();
      return;
    }
    this.entities.delete(path);
    this.refused.delete(path);
    this.schemas.delete(path);
    const rel = nodePath.relative(this.root, nodePath.dirname(path)).split(nodePath.sep).join('/');
    this.lists.delete(rel);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export async function looksLikeSiteConfig(files: FileSource, dir: string): Promise<boolean> {
  const entries = await files.listDir(dir).catch(() => [] as string[]);
  return entries.some((e) => MARKERS.includes(e));
}

/** What else a site-config's top holds: its entity folders, its own schemas, its secrets. */
const BESIDE_SITE_YAML = [...Object.keys(ENTITY_DIRS), 'defs', 'secrets.yaml'];

/**
 * Whether a folder holding a site.yaml has more of a site-config than that file: site.yaml is itself a marker
 * (looksLikeSiteConfig), so it cannot tell site-config's site.yaml from another tool's.
 */
export async function hasSiteConfigBesideSiteYaml(files: FileSource, dir: string): Promise<boolean> {
  const entries = await files.listDir(dir).catch(() => [] as string[]);
  return entries.some((e) => BESIDE_SITE_YAML.includes(e));
}

export function ownRoot(filePath: string): string | undefined {
  const dir = entityDirOf(filePath);
  if (dir) return nodePath.resolve(nodePath.dirname(filePath), dir === 'vms/presets' ? '../..' : '..');
  if (/(^|[\\/])(site|secrets)\.yaml(\.example)?$/.test(filePath)) return nodePath.dirname(filePath);
  return undefined;
}

export interface DiscoveryOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Workspace folders (the VS Code layer passes them; the CLI passes the current directory). */
  readonly workspaceRoots?: readonly string[];
}

/**
 * Finds the site-config for a file as iac-driver does, with the file's own tree first:
 * 1. the ancestor folder that holds the file and looks like a site-config (e.g. `…/site-config/manifests/x.yaml`);
 * 2. `$HOMESTAK_SITE_CONFIG`; 3. a workspace folder that is itself a site-config, or its sibling `../site-config/`;
 * 4. `/usr/local/etc/homestak/`; 5. `/opt/homestak/site-config/`.
 */
export async function discoverSiteConfig(files: FileSource, filePath: string | undefined, opts: DiscoveryOptions = {}): Promise<string | undefined> {
  if (filePath) {
    // An entity file's own tree comes first: the folder above `manifests/`, `specs/`, `vms/presets/` …
    const own = ownRoot(filePath);
    if (own && (await looksLikeSiteConfig(files, own))) return own;
    let dir = nodePath.dirname(filePath);
    for (let i = 0; i < 4; i++) {
      if (await looksLikeSiteConfig(files, dir)) return dir;
      const parent = nodePath.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const candidates: string[] = [];
  const fromEnv = opts.env?.HOMESTAK_SITE_CONFIG;
  if (fromEnv) candidates.push(fromEnv);
  for (const root of opts.workspaceRoots ?? []) candidates.push(root, nodePath.join(nodePath.dirname(root), 'site-config'));
  candidates.push('/usr/local/etc/homestak', '/opt/homestak/site-config');
  for (const c of candidates) if (await looksLikeSiteConfig(files, c)) return c;
  return undefined;
}
