/**
 * The IaC language service: validation with exact ranges, hovers, completion, definitions, quick fixes,
 * lens targets and declared guests for iac-driver manifests, the rest of a site-config and talos-cluster.
 * Nix files are delegated to the Nix support passed in (the nix module), when there is one.
 */
import * as nodePath from 'node:path';
import type { DeclaredGuest, IacDiagnostic, IacFormat, Pos, Range } from '../iac/types';
import type {
  CodeFix,
  CompletionResult,
  DefinitionResult,
  FileSource,
  HoverResult,
  IacLanguageService,
  LensTarget,
  TextEdit,
  ValidationOptions,
} from './api';
import { detectFormat, entityDirOf, entityId, isSampleFile, type EntityDir } from '../iac/formats';
import type { Issue } from '../iac/issues';
import { isSensitivePath } from '../iac/issues';
import { checkManifestV1, checkManifestV2, convertV1ToV2, manifestNodes, manifestVersion, type SiteFacts } from '../iac/manifest';
import { resolveNode } from '../iac/resolve';
import { convertFlatPosture, isFlatPosture, REF_DIRS } from '../iac/eras';
import { schemaAt, type SchemaKey, type SchemaNode } from '../iac/schemas';
import { schemaIssues } from './schemaChoice';
import { checkEntityRefs, checkIdMatchesFile, ruleAt } from '../iac/siteChecks';
import { discoverSiteConfig, isRecord, ownRoot, SiteConfig, type DiscoveryOptions } from '../iac/siteConfig';
import { checkTalosNodes, talosClusterIssues, talosNodes } from '../iac/talos';
import { LineIndex, rangesOverlap } from '../iac/text';
import { loadData, locate, parseYaml, pathAt, type PathSegment, type YamlTree, type YNode } from '../iac/yaml/parse';
import { withUnit } from './units';

/** Nix support from the nix module (hosts.nix, vms/definitions.nix), plugged in by the composition root. */
export interface NixSupport {
  validate(path: string, text: string, options?: ValidationOptions): Promise<IacDiagnostic[]>;
  declaredGuests(path: string, text: string): Promise<DeclaredGuest[]>;
}

export interface LanguageServiceOptions extends DiscoveryOptions {
  readonly nix?: NixSupport;
}

const SOURCE_LIMIT = 10_000_000;

interface Parsed {
  readonly text: string;
  readonly tree: YamlTree;
  readonly lines: LineIndex;
}

export function createLanguageService(files: FileSource, options: LanguageServiceOptions = {}): IacLanguageService {
  return new YamlLanguageService(files, options);
}

class YamlLanguageService implements IacLanguageService {
  private readonly sites = new Map<string, SiteConfig>();
  private readonly discovered = new Map<string, Promise<string | undefined>>();
  /** Last parse per file: hover/completion after a validation of the same text reuse it. */
  private readonly parses = new Map<string, Parsed>();
  /** Repository schema files read for validation (talos-cluster's), until invalidated. */
  private readonly schemaTexts = new Map<string, Promise<string | undefined>>();
  private readonly readSchema = (path: string): Promise<string | undefined> => {
    let p = this.schemaTexts.get(path);
    if (!p) {
      p = this.files.readFile(path).catch(() => undefined);
      this.schemaTexts.set(path, p);
    }
    return p;
  };

  constructor(
    private readonly files: FileSource,
    private readonly options: LanguageServiceOptions,
  ) {}

  detectFormat(path: string): IacFormat | undefined {
    return detectFormat(path);
  }

  // -------------------------------------------------------------------------------------------------------
  // Validation

  async validate(path: string, text: string, options: ValidationOptions = {}): Promise<IacDiagnostic[]> {
    try {
      return await this.validateUnsafe(path, text, options);
    } catch (err) {
      // Never throw at the editor: one clear diagnostic instead.
      return [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 'error',
          code: 'internal',
          message: `This file could not be checked (${err instanceof Error ? err.message : String(err)}). Please report this with the file attached.`,
        },
      ];
    }
  }

  private async validateUnsafe(path: string, text: string, options: ValidationOptions): Promise<IacDiagnostic[]> {
    const format = detectFormat(path);
    if (!format) return [];
    if (format === 'hosts-nix' || format === 'vm-definitions-nix') {
      return this.options.nix ? this.options.nix.validate(path, text, options) : [];
    }
    if (text.length > SOURCE_LIMIT) {
      return [diag(zero(), 'warning', 'too-large', `This file is ${(text.length / 1e6).toFixed(1)} MB; IaC files this large are not checked. Split it into smaller files.`)];
    }
    if (text.includes('\u0000')) {
      return [diag(zero(), 'error', 'binary', 'This file contains NUL bytes and looks binary, not YAML; the IaC tools cannot read it.')];
    }
    // Positions are needed only when something is wrong: valid text is checked on plain data from js-yaml
    // alone (the listener and the tree cost about as much as the parse itself), and the position-aware
    // parse runs only when there are issues to place.
    const cached = this.parses.get(path);
    // The same broken text again (hover, a second validation): the same syntax errors, not its partial data.
    if (cached?.text === text && cached.tree.errors.length) return this.syntaxErrors(path, text);
    let datas = cached?.text === text ? cached.tree.docs.map((d) => d.data) : loadData(text);
    const out: IacDiagnostic[] = [];
    if (!datas) {
      // js-yaml refused the text: the error-tolerant parse decides (it accepts a few things js-yaml does not).
      const full = this.parse(path, text);
      if (full.tree.errors.length) return this.syntaxErrors(path, text);
      datas = full.tree.docs.map((d) => d.data);
    }

    const sample = isSampleFile(path);
    const site = await this.siteFor(path, format);
    // Folder names like hosts/ or nodes/ are common elsewhere (Ansible, Kubernetes): entity files are checked
    // only inside a real site-config tree.
    if (ENTITY_FORMATS.has(format) && site?.root !== ownRoot(path)) return out;
    // secrets.yaml is a common name (sops-nix, Helm): only the one at the top of a site-config is ours.
    if (format === 'secrets' && site?.root !== nodePath.dirname(path)) return out;
    const found: { doc: number; issues: Issue[] }[] = [];
    for (let d = 0; d < datas.length; d++) {
      const data = datas[d];
      if (data === undefined || data === null) continue;
      if (!looksLikeFormat(format, data)) continue;
      const issues = await this.check(format, path, data, site, options);
      if (issues.length) found.push({ doc: d, issues });
    }
    if (format === 'posture' || format === 'host') out.push(...yaml11Booleans(text));
    if (!found.length) return out;
    const { tree, lines } = this.parse(path, text);
    if (tree.errors.length) return this.syntaxErrors(path, text);
    for (const { doc, issues } of found) {
      const root = tree.docs[doc]?.root;
      for (const issue of issues) {
        // A sample file is a template: its empty values are the blanks the user fills in, not problems.
        if (sample && issue.code === 'empty-value') continue;
        const severity = sample && issue.severity === 'error' ? 'warning' : issue.severity;
        out.push({
          range: issueRange(root, issue, lines),
          severity,
          code: issue.code,
          message: issue.message,
          ...(issue.data ? { data: issue.data } : {}),
        });
      }
    }
    return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  }

  private syntaxErrors(path: string, text: string): IacDiagnostic[] {
    const { tree, lines } = this.parse(path, text);
    return tree.errors.map((e) => diag(lines.range(e.start, e.end), 'error', 'yaml-syntax', e.message));
  }

  private async check(format: IacFormat, path: string, data: unknown, site: SiteConfig | undefined, options: ValidationOptions): Promise<Issue[]> {
    if (format === 'manifest') {
      const version = manifestVersion(data);
      const facts = site ? await this.siteFacts(site, data) : undefined;
      const ctx = {
        site: facts,
        vmidRanges: options.vmidRanges,
        readonlyVmids: options.readonlyVmids,
        readonlyGuests: options.declaredGuests,
        live: options.live,
      };
      const unread = site ? await this.unreadPresets(site, data) : [];
      const key = version === 1 ? 'manifest-v1' : 'manifest-v2';
      const { issues } = await schemaIssues({ format, key, path, data, site, readSchema: this.readSchema });
      return [...issues, ...(version === 1 ? checkManifestV1(data, ctx) : checkManifestV2(data, ctx)), ...unread];
    }
    const key = schemaKeyFor(format, path);
    const { issues } = await schemaIssues({ format, key, path, data, site, readSchema: this.readSchema });
    if (format === 'talos-nodes') issues.push(...checkTalosNodes(data));
    if (format === 'talos-cluster') issues.splice(0, issues.length, ...talosClusterIssues(data, issues));
    if (site && format !== 'talos-cluster' && format !== 'talos-nodes') {
      const names = await this.allNames(site);
      issues.push(...checkEntityRefs(format, data, { names: (d) => names.get(d) ?? [], secretKeys: await site.secretKeys() }));
    }
    issues.push(...checkIdMatchesFile(format, data, entityId(path)));
    return issues;
  }

  /** A preset that exists but was not read (a FIFO, a device, too large) is reported where a node names it. */
  private async unreadPresets(site: SiteConfig, data: unknown): Promise<Issue[]> {
    const issues: Issue[] = [];
    for (const n of manifestNodes(data)) {
      if (typeof n.raw.preset !== 'string') continue;
      const path = await site.pathOf('presets', n.raw.preset);
      const refusal = path ? site.refusal(path) : undefined;
      if (refusal) issues.push({ path: ['nodes', n.index, 'preset'], on: 'value', severity: refusal.severity, code: 'unreadable-file', message: refusal.message });
    }
    return issues;
  }

  private async allNames(site: SiteConfig): Promise<Map<EntityDir, string[]>> {
    const dirs: EntityDir[] = ['manifests', 'specs', 'presets', 'postures', 'nodes', 'hosts', 'envs', 'vms', 'vms/presets', 'v2/presets', 'v2/specs', 'v2/postures'];
    const lists = await Promise.all(dirs.map((d) => site.names(d)));
    return new Map(dirs.map((d, i) => [d, lists[i]]));
  }

  private async siteFacts(site: SiteConfig, data: unknown): Promise<SiteFacts> {
    const names = await this.allNames(site);
    const presets = new Map<string, Record<string, unknown>>();
    const wanted = new Set<string>();
    for (const n of manifestNodes(data)) if (typeof n.raw.preset === 'string') wanted.add(n.raw.preset);
    await Promise.all(
      [...wanted].map(async (id) => {
        for (const dir of REF_DIRS.preset) {
          const e = await site.load(dir, id);
          if (e && isRecord(e.data)) {
            presets.set(id, e.data);
            return;
          }
        }
      }),
    );
    return { names: (d) => names.get(d) ?? [], preset: (id) => presets.get(id) };
  }

  private parse(path: string, text: string): Parsed {
    const cached = this.parses.get(path);
    if (cached && cached.text === text) return cached;
    const parsed: Parsed = { text, tree: parseYaml(text), lines: new LineIndex(text) };
    this.parses.set(path, parsed);
    if (this.parses.size > 32) this.parses.delete(this.parses.keys().next().value!);
    return parsed;
  }

  private siteFor(path: string, format: IacFormat): Promise<SiteConfig | undefined> {
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

  // -------------------------------------------------------------------------------------------------------
  // Hover

  async hover(path: string, text: string, pos: Pos): Promise<HoverResult | undefined> {
    try {
      return await this.hoverUnsafe(path, text, pos);
    } catch {
      return undefined;
    }
  }

  private async hoverUnsafe(path: string, text: string, pos: Pos): Promise<HoverResult | undefined> {
    const format = detectFormat(path);
    if (!format || format === 'hosts-nix' || format === 'vm-definitions-nix') return undefined;
    const { tree, lines } = this.parse(path, text);
    const offset = lines.offsetAt(pos);
    const doc = docAt(tree, offset);
    if (!doc?.root) return undefined;
    const at = pathAt(doc.root, offset);
    if (!at.node) return undefined;
    const range = lines.range(at.node.s, at.node.e);
    const schemaKey = format === 'manifest' ? (manifestVersion(doc.data) === 1 ? 'manifest-v1' : 'manifest-v2') : schemaKeyFor(format, path);
    if (at.onKey) {
      const schema = schemaAt(schemaKey, at.path);
      const md = schemaMarkdown(at.path[at.path.length - 1], schema);
      return md ? { markdown: md, range } : undefined;
    }
    const site = await this.siteFor(path, format);
    const rule = ruleAt(format, at.path);
    const value = at.node.v;
    if (rule && typeof value === 'string') {
      if ('secrets' in rule.target) {
        return { markdown: `**${rule.what}** \`${value}\` → \`secrets.yaml\` \`${rule.target.secrets}.${value}\`\n\n(The secret's value is never shown.)`, range };
      }
      const summary = site ? await this.entitySummary(site, rule.target.dir, value) : undefined;
      return { markdown: summary ?? `**${rule.what}** \`${value}\`: not found in the site-config.`, range };
    }
    if (format === 'manifest' && at.path[0] === 'nodes' && typeof at.path[1] === 'number') {
      const nodes = manifestNodes(doc.data);
      if (at.path[2] === 'parent' && typeof value === 'string') {
        const parent = nodes.find((n) => n.name === value);
        if (parent) return { markdown: `**parent** \`${value}\`: node ${parent.index + 1} of this manifest (type ${parent.type ?? '?'}${parent.vmid !== undefined ? `, VMID ${parent.vmid}` : ''}).`, range };
      }
      const node = nodes.find((n) => n.index === at.path[1]);
      if (node?.name && isRecord(doc.data)) {
        const resolved = await resolveNode(site, doc.data, node.name);
        if (resolved) return { markdown: resolvedMarkdown(resolved, site?.root), range };
      }
    }
    if (format === 'manifest' && at.path[0] === 'levels' && typeof at.path[1] === 'number' && isRecord(doc.data)) {
      const level = Array.isArray(doc.data.levels) ? (doc.data.levels[at.path[1]] as unknown) : undefined;
      if (isRecord(level) && typeof level.name === 'string') {
        const resolved = await resolveNode(site, doc.data, level.name);
        if (resolved) return { markdown: resolvedMarkdown(resolved, site?.root), range };
      }
    }
    const schema = schemaAt(schemaKey, at.path);
    const md = schemaMarkdown(at.path[at.path.length - 1], schema);
    return md ? { markdown: md, range } : undefined;
  }

  private async entitySummary(site: SiteConfig, dirs: EntityDir | readonly EntityDir[], id: string): Promise<string | undefined> {
    for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
      const e = await site.load(dir, id);
      if (!e) continue;
      const relPath = nodePath.relative(site.root, e.path).split(nodePath.sep).join('/');
      const comments = e.text
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .slice(0, 3)
        .map((l) => l.replace(/^#\s?/, ''))
        .filter((l) => l && !/^-+$/.test(l));
      const body = isRecord(e.data) ? summarize(e.data) : '';
      return [`**${relPath}**`, comments.join('  \n'), body].filter(Boolean).join('\n\n');
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------------
  // Completion

  async completions(path: string, text: string, pos: Pos): Promise<CompletionResult[]> {
    try {
      return await this.completionsUnsafe(path, text, pos);
    } catch {
      return [];
    }
  }

  private async completionsUnsafe(path: string, text: string, pos: Pos): Promise<CompletionResult[]> {
    const format = detectFormat(path);
    if (!format || format === 'hosts-nix' || format === 'vm-definitions-nix') return [];
    const lines = new LineIndex(text);
    // Work from the line itself: while typing, the text is often not valid YAML yet.
    const line = lines.lineText(pos.line);
    const before = line.slice(0, pos.character);
    const m = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:\s*(["']?)([^"'#]*)$/.exec(before);
    if (!m) return this.keyCompletions(path, format, text, lines, pos, before, line);
    const key = m[3];
    const typed = m[5];
    const valueStart = pos.character - typed.length;
    const rest = line.slice(pos.character);
    const restWord = /^[^\s"'#]*/.exec(rest)![0];
    const range: Range = { start: { line: pos.line, character: valueStart }, end: { line: pos.line, character: pos.character + restWord.length } };
    const keyPath = this.keyPathAt(path, text, lines, pos, key);
    const site = await this.siteFor(path, format);
    const candidates = await this.candidates(format, keyPath, key, text, path, site);
    return candidates
      .filter((c) => c.label.startsWith(typed) || typed === '')
      .map((c) => ({ ...c, range }));
  }

  /** Keys the schema allows at the cursor (a new line in a mapping or list item), minus those already there. */
  private keyCompletions(path: string, format: IacFormat, text: string, lines: LineIndex, pos: Pos, before: string, line: string): CompletionResult[] {
    const km = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)?$/.exec(before);
    if (!km || (km[1] === '' && km[2] === undefined && pos.line > 0 && before === '' && line.trim() !== '')) return [];
    const typed = km[3] ?? '';
    const parent = indentPath(lines, pos.line, '\u0000').slice(0, -1).map((s) => (typeof s === 'number' ? 0 : s));
    const schemaKey = format === 'manifest' ? (/^\s*levels\s*:/m.test(text) && !/^\s*nodes\s*:/m.test(text) ? 'manifest-v1' : 'manifest-v2') : schemaKeyFor(format, path);
    const schema = schemaAt(schemaKey, parent);
    if (!schema?.properties) return [];
    const present = siblingKeys(lines, pos.line);
    const restWord = /^[\w-]*/.exec(line.slice(pos.character))![0];
    const range: Range = { start: { line: pos.line, character: pos.character - typed.length }, end: { line: pos.line, character: pos.character + restWord.length } };
    return Object.entries(schema.properties)
      .filter(([k]) => k.startsWith(typed) && !present.has(k))
      .map(([k, p]) => ({ label: k, ...(p.title ? { detail: p.title } : {}), range, kind: 'key' as const }));
  }

  /** The path of the key being completed: from the parse tree when it parses, else from indentation. */
  private keyPathAt(path: string, text: string, lines: LineIndex, pos: Pos, key: string): PathSegment[] {
    const { tree } = this.parse(path, text);
    if (!tree.errors.length) {
      const offset = lines.offsetAt({ line: pos.line, character: lines.lineText(pos.line).indexOf(key) });
      const doc = docAt(tree, offset);
      if (doc?.root) {
        const at = pathAt(doc.root, offset);
        if (at.path[at.path.length - 1] === key) return at.path;
      }
    }
    return indentPath(lines, pos.line, key);
  }

  private async candidates(format: IacFormat, keyPath: PathSegment[], key: string, text: string, path: string, site: SiteConfig | undefined): Promise<Omit<CompletionResult, 'range'>[]> {
    const normalized = keyPath.map((s) => (typeof s === 'number' ? 0 : s));
    const rule = ruleAt(format, normalized);
    if (rule && 'dir' in rule.target && site) {
      const dirs = typeof rule.target.dir === 'string' ? [rule.target.dir] : rule.target.dir;
      const names = [...new Set((await Promise.all(dirs.map((d) => site.names(d)))).flat())];
      return names.map((n) => ({ label: n, detail: `${dirs[0]}/${n}.yaml`, kind: 'reference' as const }));
    }
    if (rule && 'secrets' in rule.target && site) {
      const section = rule.target.secrets;
      const keys = (await site.secretKeys())?.[section] ?? [];
      return keys.map((k) => ({ label: k, detail: `secrets.yaml ${section}`, kind: 'reference' as const }));
    }
    if (format === 'manifest' && key === 'parent') {
      const names = new Set<string>();
      for (const m of text.matchAll(/^\s+(?:-\s+)?name:\s*["']?([a-z][a-z0-9-]*)/gm)) names.add(m[1]);
      // Only pve nodes can host children: list them first when the file parses.
      const { tree } = this.parse(path, text);
      const pve = new Set(manifestNodes(tree.docs[0]?.data).filter((n) => n.type === 'pve').map((n) => n.name));
      return [...names].map((n) => ({ label: n, detail: pve.has(n) ? 'pve node' : 'node of this manifest', kind: 'reference' as const }));
    }
    if (format === 'manifest' && key === 'image') {
      const images = new Set(['debian-12', 'debian-13', 'pve-9', 'debian-13-pve']);
      for (const m of text.matchAll(/^\s*-?\s*image:\s*["']?([\w.-]+)/gm)) images.add(m[1]);
      if (site) {
        for (const id of await site.names('vms')) {
          const e = await site.load('vms', id);
          if (isRecord(e?.data) && typeof e.data.image === 'string') images.add(e.data.image);
        }
      }
      return [...images].sort().map((i) => ({ label: i, detail: 'image', kind: 'value' as const }));
    }
    const schemaKey = format === 'manifest' ? (/^\s*levels\s*:/m.test(text) && !/^\s*nodes\s*:/m.test(text) ? 'manifest-v1' : 'manifest-v2') : schemaKeyFor(format, path);
    const schema = schemaAt(schemaKey, normalized);
    const values = schema?.enum ?? (schema?.type === 'boolean' ? [true, false] : []);
    return values.map((v) => ({ label: String(v), detail: schema?.title, kind: 'value' as const }));
  }

  // -------------------------------------------------------------------------------------------------------
  // Definition

  async definition(path: string, text: string, pos: Pos): Promise<DefinitionResult | undefined> {
    try {
      const format = detectFormat(path);
      if (!format || format === 'hosts-nix' || format === 'vm-definitions-nix') return undefined;
      const { tree, lines } = this.parse(path, text);
      const offset = lines.offsetAt(pos);
      const doc = docAt(tree, offset);
      if (!doc?.root) return undefined;
      const at = pathAt(doc.root, offset);
      if (at.onKey || !at.node || typeof at.node.v !== 'string') return undefined;
      const value = at.node.v;
      if (format === 'manifest' && at.path[0] === 'nodes' && at.path[2] === 'parent') {
        const target = manifestNodes(doc.data).find((n) => n.name === value);
        if (!target) return undefined;
        const loc = locate(doc.root, ['nodes', target.index, 'name']);
        return loc.node ? { file: path, range: lines.range(loc.node.s, loc.node.e) } : undefined;
      }
      const rule = ruleAt(format, at.path);
      const site = await this.siteFor(path, format);
      if (!rule || !site) return undefined;
      if ('secrets' in rule.target) {
        const file = nodePath.join(site.root, 'secrets.yaml');
        const loaded = await site.loadFile(file);
        if (!loaded) return undefined;
        const t = parseYaml(loaded.text);
        const loc = locate(t.docs[0]?.root, [rule.target.secrets, value]);
        const li = new LineIndex(loaded.text);
        return loc.key ? { file, range: li.range(loc.key.s, loc.key.e) } : { file, range: zero() };
      }
      for (const dir of typeof rule.target.dir === 'string' ? [rule.target.dir] : rule.target.dir) {
        const file = await site.pathOf(dir, value);
        if (file) return { file, range: zero() };
      }
      return undefined;
    } catch {
      return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Quick fixes

  async codeFixes(path: string, text: string, range: Range, diagnostics: readonly IacDiagnostic[]): Promise<CodeFix[]> {
    const fixes: CodeFix[] = [];
    const lines = new LineIndex(text);
    for (const d of diagnostics) {
      if (!rangesOverlap(d.range, range)) continue;
      const replacement = d.data?.replacement;
      if (typeof replacement === 'string' && d.code !== 'manifest-v1') {
        const current = text.slice(lines.offsetAt(d.range.start), lines.offsetAt(d.range.end));
        const quote = /^["']/.test(current) ? current[0] : '';
        fixes.push({
          title: d.code === 'id-mismatch' ? `Change to '${replacement}' (the file name)` : d.code === 'yaml11-boolean' ? `Quote it: ${replacement}` : `Did you mean ${replacement}?`,
          diagnosticCode: d.code,
          edits: [{ range: d.range, newText: quote && !replacement.startsWith(quote) ? `${quote}${replacement}${quote}` : replacement }],
          isPreferred: true,
        });
      }
      if (d.code === 'manifest-v1') {
        const edit = await this.convertEdit(path, text, lines);
        if (edit) fixes.push({ title: 'Convert to schema_version 2 (nodes[])', diagnosticCode: d.code, edits: [edit], isPreferred: true });
      }
      if (d.code === 'posture-flat') {
        const edit = this.postureEdit(path, text, lines);
        if (edit) fixes.push({ title: 'Convert to the nested posture format (ssh:, sudo:, fail2ban:)', diagnosticCode: d.code, edits: [edit], isPreferred: true });
      }
    }
    return fixes;
  }

  private postureEdit(path: string, text: string, lines: LineIndex): TextEdit | undefined {
    const { tree } = this.parse(path, text);
    const data = tree.docs[0]?.data;
    if (tree.errors.length || !isFlatPosture(data)) return undefined;
    const head = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|---[ \t]*\r?\n)*/.exec(text)![0];
    return { range: lines.range(head.length, text.length), newText: convertFlatPosture(data) };
  }

  private async convertEdit(path: string, text: string, lines: LineIndex): Promise<TextEdit | undefined> {
    const { tree } = this.parse(path, text);
    const doc = tree.docs[0];
    if (tree.errors.length || !doc || !isRecord(doc.data)) return undefined;
    const site = await this.siteFor(path, 'manifest');
    const templates = new Map<string, Record<string, unknown>>();
    if (site && Array.isArray(doc.data.levels)) {
      for (const level of doc.data.levels) {
        if (isRecord(level) && typeof level.template === 'string') {
          const e = await site.load('vms', level.template);
          if (e && isRecord(e.data)) templates.set(level.template, e.data);
        }
      }
    }
    // Keep the leading comment block (and `---`) as the author wrote it.
    const head = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|---[ \t]*\r?\n)*/.exec(text)![0];
    const v2Presets = new Set<string>();
    if (site) for (const dir of REF_DIRS.preset) for (const n of await site.names(dir)) v2Presets.add(n);
    const preset = (v1: string): string => (v2Presets.has(v1) || !v2Presets.has(`vm-${v1}`) ? v1 : `vm-${v1}`);
    const body = convertV1ToV2(doc.data, { template: (id) => templates.get(id), preset });
    return { range: lines.range(head.length, text.length), newText: body };
  }

  // -------------------------------------------------------------------------------------------------------
  // Lenses and declared guests

  lensTargets(path: string, text: string): LensTarget[] {
    try {
      const format = detectFormat(path);
      if (format !== 'manifest' && format !== 'talos-nodes') return [];
      const { tree, lines } = this.parse(path, text);
      const doc = tree.docs[0];
      if (!doc?.root || tree.errors.length) return [];
      const out: LensTarget[] = [];
      if (format === 'manifest') {
        if (isKubernetesObject(doc.data)) return [];
        const name = isRecord(doc.data) && typeof doc.data.name === 'string' ? doc.data.name : entityId(path);
        out.push({ range: lines.range(doc.root.s, doc.root.s), kind: 'manifest', name });
        for (const n of manifestNodes(doc.data)) {
          const loc = locate(doc.root, ['nodes', n.index]);
          if (loc.node && n.name) out.push({ range: lines.range(loc.node.s, loc.node.s), kind: 'manifest-node', name: n.name });
        }
      } else {
        for (const n of talosNodes(doc.data)) {
          const loc = locate(doc.root, ['nodes', n.index]);
          if (loc.node && n.name) out.push({ range: lines.range(loc.node.s, loc.node.s), kind: 'talos-node', name: n.name });
        }
      }
      return out;
    } catch {
      return [];
    }
  }

  async declaredGuests(roots: readonly string[]): Promise<DeclaredGuest[]> {
    const out: DeclaredGuest[] = [];
    const files: string[] = [];
    for (const root of roots) await this.collect(root, 0, files);
    for (const file of files) {
      const format = detectFormat(file);
      const text = await this.files.readFile(file).catch(() => undefined);
      if (text === undefined || text.length > SOURCE_LIMIT) continue;
      try {
        if (format === 'hosts-nix' || format === 'vm-definitions-nix') {
          if (this.options.nix) out.push(...(await this.options.nix.declaredGuests(file, text)));
          continue;
        }
        const { tree, lines } = this.parse(file, text);
        const doc = tree.docs[0];
        if (!doc?.root) continue;
        if (format === 'manifest' && isRecord(doc.data) && Array.isArray(doc.data.levels)) {
          // Deprecated v1 manifests still name VMs: each level is one guest.
          doc.data.levels.forEach((level: unknown, i) => {
            if (!isRecord(level) || typeof level.name !== 'string') return;
            const loc = locate(doc.root, ['levels', i, 'name']);
            out.push({ name: level.name, ...(typeof level.vmid === 'number' ? { vmid: level.vmid } : {}), format: 'manifest', file, range: loc.node ? lines.range(loc.node.s, loc.node.e) : zero(), readonly: false });
          });
        } else if (format === 'manifest') {
          for (const n of manifestNodes(doc.data)) {
            if (!n.name) continue;
            const loc = locate(doc.root, ['nodes', n.index, 'name']);
            out.push({ name: n.name, ...(n.vmid !== undefined ? { vmid: n.vmid } : {}), format, file, range: loc.node ? lines.range(loc.node.s, loc.node.e) : zero(), readonly: false });
          }
        } else if (format === 'talos-nodes') {
          for (const n of talosNodes(doc.data)) {
            if (!n.name) continue;
            const loc = locate(doc.root, ['nodes', n.index, 'name']);
            out.push({ name: n.name, ...(n.vmid !== undefined ? { vmid: n.vmid } : {}), format, file, range: loc.node ? lines.range(loc.node.s, loc.node.e) : zero(), readonly: false });
          }
        }
      } catch {
        // A broken file declares nothing; its diagnostics say why.
      }
    }
    return out;
  }

  private async collect(dir: string, depth: number, out: string[]): Promise<void> {
    if (depth > 6 || out.length > 5000) return;
    const entries = await this.files.listDir(dir).catch(() => [] as string[]);
    for (const name of entries) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = nodePath.join(dir, name);
      const format = detectFormat(full);
      if (format === 'manifest' || format === 'talos-nodes' || format === 'hosts-nix' || format === 'vm-definitions-nix') out.push(full);
      else if (!/\.[a-z0-9]+$/i.test(name)) await this.collect(full, depth + 1, out);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/**
 * iac-driver reads YAML with PyYAML (YAML 1.1), where an unquoted yes/no/on/off is a boolean: the SSH policy
 * keys would then get True/False instead of the string sshd expects. site-config quotes them; say so when not.
 */
function yaml11Booleans(text: string): IacDiagnostic[] {
  const out: IacDiagnostic[] = [];
  const re = /^([ \t]*)(permit_root_login|password_authentication)[ \t]*:[ \t]*(yes|no|on|off|y|n|true|false)[ \t]*(?:#.*)?$/gim;
  const lines = new LineIndex(text);
  for (const m of text.matchAll(re)) {
    const start = m.index + m[0].indexOf(m[3], m[1].length + m[2].length);
    const word = m[3].toLowerCase();
    const meant = ['yes', 'on', 'y', 'true'].includes(word) ? 'yes' : 'no';
    out.push({
      range: lines.range(start, start + m[3].length),
      severity: 'warning',
      code: 'yaml11-boolean',
      message: `PyYAML (which iac-driver uses) reads an unquoted ${m[3]} as a boolean, not the string sshd expects; quote it: "${meant}".`,
      data: { replacement: `"${meant}"` },
    });
  }
  return out;
}

interface LineShape {
  /** Column of the first character (the dash of an item, or the key). */
  col: number;
  dash: boolean;
  key?: string;
  keyCol: number;
}

function lineShape(text: string): LineShape | undefined {
  const m = /^(\s*)(-\s+|-$)?(?:([A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*:(?:\s|$))?/.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  const dash = m[2] !== undefined;
  if (!dash && m[3] === undefined && (rest.trim() === '' || rest.trimStart().startsWith('#'))) return undefined;
  const col = m[1].length;
  return { col, dash, ...(m[3] !== undefined ? { key: m[3].replace(/^["']|["']$/g, '') } : {}), keyCol: col + (m[2]?.length ?? 0) };
}

/**
 * The JSON path of `key` on line `line` from indentation alone (list indexes as 0), for text that does not
 * parse yet: walks up to each enclosing key, noting list items on the way.
 */
function indentPath(lines: LineIndex, line: number, key: string): PathSegment[] {
  const cur = lineShape(lines.lineText(line)) ?? { col: /^\s*/.exec(lines.lineText(line))![0].length, dash: false, keyCol: /^\s*/.exec(lines.lineText(line))![0].length };
  const segs: PathSegment[] = [key];
  let mode: 'map' | 'seq' = cur.dash ? 'seq' : 'map';
  let col = cur.dash ? cur.col : cur.keyCol;
  if (cur.dash) segs.unshift(0);
  for (let l = line - 1; l >= 0 && !(mode === 'map' && col === 0); l--) {
    const i = lineShape(lines.lineText(l));
    if (!i) continue;
    if (mode === 'map') {
      if (i.dash && i.keyCol === col) {
        // The `- ` line that starts the list item our mapping belongs to.
        segs.unshift(0);
        mode = 'seq';
        col = i.col;
        continue;
      }
      if (i.keyCol >= col || i.key === undefined) continue;
    } else {
      if (i.col > col || (i.dash && i.col === col) || i.key === undefined) continue;
    }
    // A parent key.
    segs.unshift(i.key);
    if (i.dash) {
      segs.unshift(0);
      mode = 'seq';
      col = i.col;
    } else {
      mode = 'map';
      col = i.keyCol;
    }
  }
  return segs;
}

/** Keys already present in the mapping the cursor line belongs to (same indentation, same block). */
function siblingKeys(lines: LineIndex, line: number): Set<string> {
  const keys = new Set<string>();
  const cur = /^(\s*)(-\s+)?/.exec(lines.lineText(line))!;
  const col = cur[0].length;
  // Upwards to the start of this item (or mapping), downwards to the next item; deeper lines are nested values.
  if (cur[2] === undefined) {
    for (let l = line - 1; l >= 0; l--) {
      const i = lineShape(lines.lineText(l));
      if (!i || i.keyCol > col) continue;
      if (i.keyCol < col) break;
      if (i.key) keys.add(i.key);
      if (i.dash) break;
    }
  }
  for (let l = line + 1; l < lines.lineCount; l++) {
    const i = lineShape(lines.lineText(l));
    if (!i || i.keyCol > col) continue;
    if (i.keyCol < col || i.dash) break;
    if (i.key) keys.add(i.key);
  }
  return keys;
}

function zero(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function diag(range: Range, severity: IacDiagnostic['severity'], code: string, message: string): IacDiagnostic {
  return { range, severity, code, message };
}

export function schemaKeyFor(format: IacFormat, path: string): SchemaKey {
  switch (format) {
    case 'vm':
      return entityDirOf(path) === 'vms/presets' ? 'preset' : 'vm';
    case 'manifest':
      return 'manifest-v2';
    case 'hosts-nix':
    case 'vm-definitions-nix':
      return 'manifest';
    default:
      return format;
  }
}

const ENTITY_FORMATS = new Set<IacFormat>(['spec', 'preset', 'posture', 'node', 'host', 'env', 'vm']);

/** Guards against same-named files of other tools (a Kubernetes `manifests/`, any `cluster.yaml`). */
function looksLikeFormat(format: IacFormat, data: unknown): boolean {
  if (isKubernetesObject(data)) return false;
  if (!isRecord(data)) return true;
  if (format === 'manifest') return 'schema_version' in data || 'nodes' in data || 'levels' in data;
  if (format === 'talos-cluster') {
    return Object.keys(data).some((k) => k.startsWith('proxmox_') || ['node_cidr', 'cluster_api_addr', 'cluster_pod_cidr', 'cloudflare_domain', 'repository_name'].includes(k));
  }
  if (format === 'talos-nodes') return 'nodes' in data;
  return true;
}

function isKubernetesObject(data: unknown): boolean {
  return isRecord(data) && typeof data.apiVersion === 'string' && typeof data.kind === 'string';
}

function docAt(tree: YamlTree, offset: number): YamlTree['docs'][number] | undefined {
  let found = tree.docs[0];
  for (const d of tree.docs) if (d.root && d.root.s <= offset) found = d;
  return found;
}

/** The exact range of an issue: its key or value; for missing things, the nearest existing ancestor. */
function issueRange(root: YNode | undefined, issue: Issue, lines: LineIndex): Range {
  const { node, key } = locate(root, issue.path);
  if (issue.on === 'key' && key) return lines.range(key.s, key.e);
  if (issue.on === 'value' && node) {
    if (node.e > node.s) return lines.range(node.s, node.e);
    if (key) return lines.range(key.s, key.e);
  }
  if (issue.on === 'key' && node && !key) return firstLine(node, lines);
  // Walk up to the closest node that exists.
  for (let n = issue.path.length - 1; n >= 0; n--) {
    const up = locate(root, issue.path.slice(0, n));
    if (up.key) return lines.range(up.key.s, up.key.e);
    if (up.node) return firstLine(up.node, lines);
  }
  return root ? firstLine(root, lines) : zero();
}

function firstLine(node: YNode, lines: LineIndex): Range {
  const start = lines.positionAt(node.s);
  const end = lines.positionAt(node.e);
  if (end.line === start.line) return { start, end };
  const text = lines.lineText(start.line);
  return { start, end: { line: start.line, character: text.replace(/\s+(#.*)?$/, '').length } };
}

function schemaMarkdown(segment: PathSegment | undefined, schema: SchemaNode | undefined): string | undefined {
  if (!schema) return undefined;
  const parts: string[] = [];
  const title = schema.title ?? (typeof segment === 'string' ? segment : undefined);
  if (title) parts.push(`**${title}**`);
  if (schema.description) parts.push(schema.description);
  if (schema.enum) parts.push(`Allowed: ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (schema.default !== undefined) parts.push(`Default: \`${JSON.stringify(schema.default)}\``);
  return parts.length ? parts.join('\n\n') : undefined;
}

function summarize(data: Record<string, unknown>): string {
  const rows: string[] = [];
  const walk = (v: Record<string, unknown>, prefix: string, depth: number): void => {
    for (const [k, val] of Object.entries(v)) {
      if (rows.length >= 12) return;
      const key = prefix ? `${prefix}.${k}` : k;
      if (isSensitivePath([key])) {
        rows.push(`- \`${key}\`: (hidden)`);
      } else if (isRecord(val) && depth < 1) walk(val, key, depth + 1);
      else rows.push(`- \`${key}\`: ${Array.isArray(val) ? val.slice(0, 6).map(String).join(', ') + (val.length > 6 ? ', …' : '') : isRecord(val) ? '{…}' : withUnit(key, val)}`);
    }
  };
  walk(data, '', 0);
  return rows.join('\n');
}

function resolvedMarkdown(resolved: Awaited<ReturnType<typeof resolveNode>> & object, siteRoot: string | undefined): string {
  const rows = Object.entries(resolved.values).map(([k, v]) => `| ${k} | ${withUnit(k, v.value)} | ${v.from} |`);
  const head = `**${resolved.name}** — resolved as iac-driver's ConfigResolver does (preset → template/node → env → posture)${siteRoot ? ` from \`${siteRoot}\`` : ' (no site-config found: references not resolved)'}`;
  const problems = resolved.problems.length ? `\n\n${resolved.problems.map((p) => `- ${p}`).join('\n')}` : '';
  return `${head}\n\n| key | value | from |\n|---|---|---|\n${rows.join('\n')}${problems}`;
}
