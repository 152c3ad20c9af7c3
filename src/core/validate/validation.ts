/**
 * Validation: syntax errors, schema checks and cross-file checks of one IaC file, placed on exact ranges.
 * Positions are computed only when there is something to place.
 */
import * as nodePath from 'node:path';
import type { IacDiagnostic, IacFormat, Range } from '../iac/types';
import type { ValidationOptions } from './api';
import { detectFormat, entityId, isSampleFile } from '../iac/formats';
import type { Issue } from '../iac/issues';
import { checkManifestV1, checkManifestV2, manifestNodes, manifestVersion, type SiteFacts } from '../iac/manifest';
import { REF_DIRS } from '../iac/eras';
import { closest } from '../iac/levenshtein';
import { liveVmidConflicts, nixVmidSites, yamlVmidSites } from './liveConflicts';
import { schemaIssues, talosSchemaPath } from './schemaChoice';
import { hasSiteConfigBesideSiteYaml, isRecord, ownRoot, SiteConfig } from '../iac/siteConfig';
import { LineIndex } from '../iac/text';
import { checkTalosNodes, talosClusterIssues } from '../iac/talos';
import { checkEntityRefs, checkIdMatchesFile } from '../iac/siteChecks';
import { loadData, locate, type YNode } from '../iac/yaml/parse';
import type { ServiceContext } from './context';
import { diag, isKubernetesObject, schemaKeyFor, SOURCE_LIMIT, zero } from './shared';

export async function validate(ctx: ServiceContext, path: string, text: string, options: ValidationOptions = {}): Promise<IacDiagnostic[]> {
  try {
    const out = await validateUnsafe(ctx, path, text, options);
    return options.live ? [...out, ...(await liveConflicts(ctx, path, text, options))] : out;
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

/** VMIDs of this file that a live guest of another name already uses (only with a connection open). */
async function liveConflicts(ctx: ServiceContext, path: string, text: string, options: ValidationOptions): Promise<IacDiagnostic[]> {
  const format = detectFormat(path);
  if (!format || !options.live || options.signal?.aborted) return [];
  const nix = format === 'hosts-nix' || format === 'vm-definitions-nix';
  const sites = nix ? nixVmidSites(text, ctx.options.nix ? await ctx.options.nix.declaredGuests(path, text) : []) : yamlVmidSites(format, text);
  return liveVmidConflicts(sites, options.live, options.vmidRanges);
}

async function validateUnsafe(ctx: ServiceContext, path: string, text: string, options: ValidationOptions): Promise<IacDiagnostic[]> {
  const format = detectFormat(path);
  if (!format) return [];
  if (format === 'hosts-nix' || format === 'vm-definitions-nix') {
    return ctx.options.nix ? ctx.options.nix.validate(path, text, options) : [];
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
  const cached = ctx.parses.get(path);
  // The same broken text again (hover, a second validation): the same syntax errors, not its partial data.
  if (cached?.text === text && cached.tree.errors.length) return syntaxErrors(ctx, path, text);
  let datas = cached?.text === text ? cached.tree.docs.map((d) => d.data) : loadData(text);
  const out: IacDiagnostic[] = [];
  if (!datas) {
    // js-yaml refused the text: the error-tolerant parse decides (it accepts a few things js-yaml does not).
    const full = ctx.parse(path, text);
    if (full.tree.errors.length) return syntaxErrors(ctx, path, text);
    datas = full.tree.docs.map((d) => d.data);
  }

  const sample = isSampleFile(path);
  const site = await ctx.siteFor(path, format);
  // Folder names like hosts/ or nodes/ are common elsewhere (Ansible, Kubernetes): entity files are checked
  // only inside a real site-config tree.
  if (ENTITY_FORMATS.has(format) && site?.root !== ownRoot(path)) return out;
  // secrets.yaml is a common name (sops-nix, Helm): only the one at the top of a site-config is ours.
  if (format === 'secrets' && site?.root !== nodePath.dirname(path)) return out;
  const found: { doc: number; issues: Issue[] }[] = [];
  for (let d = 0; d < datas.length; d++) {
    const data = datas[d];
    if (data === undefined || data === null) continue;
    if (!(await looksLikeFormat(ctx, format, path, data))) continue;
    const issues = isRecord(data) || !SHARED_NAMES.has(format) ? await check(ctx, format, path, data, site, options) : await notMappingIssues(ctx, format, path, data, site);
    if (issues.length) found.push({ doc: d, issues });
  }
  if (format === 'posture' || format === 'host') out.push(...yaml11Booleans(text));
  if (!found.length) return out;
  const { tree, lines } = ctx.parse(path, text);
  if (tree.errors.length) return syntaxErrors(ctx, path, text);
  const blanks: string[] = [];
  for (const { doc, issues } of found) {
    const root = tree.docs[doc]?.root;
    for (const issue of issues) {
      // A sample file is a template: its empty values and missing keys are the blanks the user fills in.
      if (sample && (issue.code === 'empty-value' || issue.code === 'missing-key')) {
        blanks.push(blankName(issue));
        continue;
      }
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
  if (blanks.length) out.push(sampleBlanks(path, blanks, lines));
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function blankName(issue: Issue): string {
  const missing = issue.code === 'missing-key' ? issue.data?.missing : undefined;
  if (typeof missing === 'string') return [...issue.path, missing].join('.');
  return issue.path.join('.') || '(the document)';
}

/** One note at the top of a sample saying what it leaves blank: the real file fails without those values. */
function sampleBlanks(path: string, blanks: readonly string[], lines: LineIndex): IacDiagnostic {
  const real = nodePath.basename(path).replace(/\.sample(?=\.ya?ml$)|\.example$/i, '');
  const names = [...new Set(blanks)];
  const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? `, and ${names.length - 4} more` : '');
  const one = names.length === 1;
  return {
    range: lines.range(0, lines.lineText(0).length),
    severity: 'information',
    code: 'sample-blanks',
    message: `This sample leaves ${one ? 'a value' : `${names.length} values`} blank (${shown}): fill ${one ? 'it' : 'them'} in the ${real} you make from it; as it is, it would not pass validation.`,
  };
}

/**
 * Formats whose file or folder names other tools use too (site.yaml, manifests/, presets/ …, cluster.yaml,
 * nodes.yaml): there a document that is not a mapping is another tool's file (an Ansible playbook named
 * site.yaml, a JSON-patch list under manifests/), unless the repository's own schema says what the file must be.
 * Files under nodes/, hosts/, envs/ and vms/ are checked only inside a site-config already, so they stay ours.
 */
const SHARED_NAMES = new Set<IacFormat>(['site', 'manifest', 'spec', 'preset', 'posture', 'talos-cluster', 'talos-nodes']);

/** The repository's own schema's errors for a document that is not a mapping, else none. */
async function notMappingIssues(ctx: ServiceContext, format: IacFormat, path: string, data: unknown, site: SiteConfig | undefined): Promise<Issue[]> {
  const { issues, own } = await schemaIssues({ format, key: schemaKeyFor(format, path), path, data, site, readSchema: ctx.readSchema });
  return own ? issues : [];
}

function syntaxErrors(ctx: ServiceContext, path: string, text: string): IacDiagnostic[] {
  const { tree, lines } = ctx.parse(path, text);
  return tree.errors.map((e) => diag(lines.range(e.start, e.end), 'error', 'yaml-syntax', e.message));
}

async function check(ctx: ServiceContext, format: IacFormat, path: string, data: unknown, site: SiteConfig | undefined, options: ValidationOptions): Promise<Issue[]> {
  if (format === 'manifest') {
    const version = manifestVersion(data);
    const facts = site ? await siteFacts(ctx, site, data) : undefined;
    const rules = {
      site: facts,
      vmidRanges: options.vmidRanges,
      readonlyVmids: options.readonlyVmids,
      readonlyGuests: options.declaredGuests,
      // Live VMID conflicts are checked for every kind of file at once (liveConflicts.ts), not here.
    };
    const unread = site ? await unreadPresets(site, data) : [];
    const key = version === 1 ? 'manifest-v1' : 'manifest-v2';
    const { issues } = await schemaIssues({ format, key, path, data, site, readSchema: ctx.readSchema });
    return [...issues, ...(version === 1 ? checkManifestV1(data, rules) : checkManifestV2(data, rules)), ...unread];
  }
  const key = schemaKeyFor(format, path);
  const { issues } = await schemaIssues({ format, key, path, data, site, readSchema: ctx.readSchema });
  if (format === 'talos-nodes') issues.push(...checkTalosNodes(data));
  if (format === 'talos-cluster') issues.splice(0, issues.length, ...talosClusterIssues(data, issues));
  if (site && format !== 'talos-cluster' && format !== 'talos-nodes') {
    const names = await ctx.allNames(site);
    issues.push(...checkEntityRefs(format, data, { names: (d) => names.get(d) ?? [], secretKeys: await site.secretKeys() }));
  }
  issues.push(...checkIdMatchesFile(format, data, entityId(path)));
  return issues;
}

/** A preset that exists but was not read (a FIFO, a device, too large) is reported where a node names it. */
async function unreadPresets(site: SiteConfig, data: unknown): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const n of manifestNodes(data)) {
    if (typeof n.raw.preset !== 'string') continue;
    const path = await site.pathOf('presets', n.raw.preset);
    const refusal = path ? site.refusal(path) : undefined;
    if (refusal) issues.push({ path: ['nodes', n.index, 'preset'], on: 'value', severity: refusal.severity, code: 'unreadable-file', message: refusal.message });
  }
  return issues;
}

async function siteFacts(ctx: ServiceContext, site: SiteConfig, data: unknown): Promise<SiteFacts> {
  const names = await ctx.allNames(site);
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

const ENTITY_FORMATS = new Set<IacFormat>(['spec', 'preset', 'posture', 'node', 'host', 'env', 'vm']);

/** Guards against same-named files of other tools (a Kubernetes `manifests/`, any `cluster.yaml` or `nodes.yaml`). */
async function looksLikeFormat(ctx: ServiceContext, format: IacFormat, path: string, data: unknown): Promise<boolean> {
  if (isKubernetesObject(data)) return false;
  if (!isRecord(data)) return true;
  if (format === 'manifest') return 'schema_version' in data || 'nodes' in data || 'levels' in data;
  if (format === 'talos-cluster') {
    return Object.keys(data).some((k) => k.startsWith('proxmox_') || ['node_cidr', 'cluster_api_addr', 'cluster_pod_cidr', 'cloudflare_domain', 'repository_name'].includes(k));
  }
  // site-config's site.yaml has held `defaults:` alone in every era; another tool's site.yaml (a static site's
  // settings, an inventory) has neither it nor a misspelling of it, nor site-config's folders beside it.
  if (format === 'site') return Object.keys(data).some((k) => k === 'defaults' || closest(k, ['defaults']) !== undefined) || (await hasSiteConfigBesideSiteYaml(ctx.files, nodePath.dirname(path)));
  if (format === 'talos-nodes') {
    // nodes.sample.yaml is talos-cluster's name, and beside its own schema a nodes.yaml is its file even
    // before the nodes have those keys.
    if (isTalosNodes(data.nodes) || isSampleFile(path)) return true;
    return (await ctx.readSchema(talosSchemaPath(format, path))) !== undefined;
  }
  return true;
}

/** Keys only talos-cluster's nodes have; a `nodes:` list of `hostname`/`ip`/`role` is another tool's (a yq script's, a tofu module's). */
const TALOS_NODE_KEYS = ['controller', 'mac_addr', 'schematic_id'];

function isTalosNodes(nodes: unknown): boolean {
  // `nodes:` with every entry commented out (a sample) or `nodes: []`.
  if (nodes === null || (Array.isArray(nodes) && nodes.length === 0)) return true;
  return Array.isArray(nodes) && nodes.some((n) => isRecord(n) && TALOS_NODE_KEYS.some((k) => k in n));
}


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
