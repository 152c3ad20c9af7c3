/**
 * The language service's shared state: the last parse per file, the site-configs found so far and the
 * repository schemas read. Each job (validation.ts, hover.ts, completion.ts …) reads files and parses through it.
 */
import * as nodePath from 'node:path';
import type { DeclaredGuest, IacDiagnostic, IacFormat } from '../iac/types';
import type { FileSource, ValidationOptions } from './api';
import type { EntityDir } from '../iac/formats';
import { discoverSiteConfig, SiteConfig, type DiscoveryOptions } from '../iac/siteConfig';
import { LineIndex } from '../iac/text';
import { parseYaml, type YamlTree } from '../iac/yaml/parse';

/** Nix support from the nix module (hosts.nix, vms/definitions.nix), plugged in by the composition root. */
export interface NixSupport {
  validate(path: string, text: string, options?: ValidationOptions): Promise<IacDiagnostic[]>;
  declaredGuests(path: string, text: string): Promise<DeclaredGuest[]>;
}

export interface LanguageServiceOptions extends DiscoveryOptions {
  readonly nix?: NixSupport;
}

export interface Parsed {
  readonly text: string;
  readonly tree: YamlTree;
  readonly lines: LineIndex;
}

export class ServiceContext {
  private readonly sites = new Map<string, SiteConfig>();
  private readonly discovered = new Map<string, Promise<string | undefined>>();
  /** Last parse per file: hover/completion after a validation of the same text reuse it. */
  readonly parses = new Map<string, Parsed>();
  /** Repository schema files read for validation (talos-cluster's), until invalidated. */
  private readonly schemaTexts = new Map<string, Promise<string | undefined>>();
  readonly readSchema = (path: string): Promise<string | undefined> => {
    let p = this.schemaTexts.get(path);
    if (!p) {
      p = this.files.readFile(path).catch(() => undefined);
      this.schemaTexts.set(path, p);
    }
    return p;
  };

  constructor(
    readonly files: FileSource,
    readonly options: LanguageServiceOptions,
  ) {}

  async allNames(site: SiteConfig): Promise<Map<EntityDir, string[]>> {
    const dirs: EntityDir[] = ['manifests', 'specs', 'presets', 'postures', 'nodes', 'hosts', 'envs', 'vms', 'vms/presets', 'v2/presets', 'v2/specs', 'v2/postures'];
    const lists = await Promise.all(dirs.map((d) => site.names(d)));
    return new Map(dirs.map((d, i) => [d, lists[i]]));
  }


  parse(path: string, text: string): Parsed {
    const cached = this.parses.get(path);
    if (cached && cached.text === text) return cached;
    const parsed: Parsed = { text, tree: parseYaml(text), lines: new LineIndex(text) };
    this.parses.set(path, parsed);
    if (this.parses.size > 32) this.parses.delete(this.parses.keys().next().value!);
    return parsed;
  }

  siteFor(path: string, format: IacFormat): Promise<SiteConfig | undefined> {
    if (format === 'talos-cluster' || format === 'talos-nodes') return Promise.resolve(undefined);
    const dir = nodePath.dirname(path);
    let p = this.discovered.get(dir);
    if (!p) {
      p = discoverSiteConfig(this.files, path, this.options);
      this.discovered.set(dir, p);
    }
    return p.then((root) => {
      if (!root) return undefined;
      let site = this.sites.get(root);
      if (!site) {
        site = new SiteConfig(root, this.files);
        this.sites.set(root, site);
      }
      return site;
    });
  }

  invalidate(path: string): void {
    this.parses.delete(path);
    this.schemaTexts.delete(path);
    for (const site of this.sites.values()) {
      if (path === site.root || path.startsWith(site.root + nodePath.sep) || path.startsWith(`${site.root}/`)) site.forget(path);
    }
    // A new or deleted marker file (site.yaml, manifests/ …) can change which site-config a folder uses.
    if (/(^|[\\/])(site\.yaml(\.example)?|manifests|specs|presets|postures)$/.test(path)) this.discovered.clear();
  }

}
