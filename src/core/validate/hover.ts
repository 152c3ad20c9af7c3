/**
 * Hovers: schema help on keys, the target's summary on references, the resolved configuration on nodes.
 */
import { withUnit } from './units';
import * as nodePath from 'node:path';
import type { Pos } from '../iac/types';
import type { HoverResult } from './api';
import { detectFormat, type EntityDir } from '../iac/formats';
import { isSensitivePath } from '../iac/issues';
import { manifestNodes, manifestVersion } from '../iac/manifest';
import { resolveNode } from '../iac/resolve';
import { schemaAt, type SchemaNode } from '../iac/schemas';
import { ruleAt } from '../iac/siteChecks';
import { isRecord, SiteConfig } from '../iac/siteConfig';
import { pathAt, type PathSegment } from '../iac/yaml/parse';
import type { ServiceContext } from './context';
import { docAt, schemaKeyFor } from './shared';

export async function hover(ctx: ServiceContext, path: string, text: string, pos: Pos): Promise<HoverResult | undefined> {
  try {
    return await hoverUnsafe(ctx, path, text, pos);
  } catch {
    return undefined;
  }
}

async function hoverUnsafe(ctx: ServiceContext, path: string, text: string, pos: Pos): Promise<HoverResult | undefined> {
  const format = detectFormat(path);
  if (!format || format === 'hosts-nix' || format === 'vm-definitions-nix') return undefined;
  const { tree, lines } = ctx.parse(path, text);
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
  const site = await ctx.siteFor(path, format);
  const rule = ruleAt(format, at.path);
  const value = at.node.v;
  if (rule && typeof value === 'string') {
    if ('secrets' in rule.target) {
      return { markdown: `**${rule.what}** \`${value}\` → \`secrets.yaml\` \`${rule.target.secrets}.${value}\`\n\n(The secret's value is never shown.)`, range };
    }
    const summary = site ? await entitySummary(site, rule.target.dir, value) : undefined;
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

async function entitySummary(site: SiteConfig, dirs: EntityDir | readonly EntityDir[], id: string): Promise<string | undefined> {
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
