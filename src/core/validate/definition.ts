/**
 * Go to definition: a reference's target file, a parent's node, a secret's key.
 */
import * as nodePath from 'node:path';
import type { Pos } from '../iac/types';
import type { DefinitionResult } from './api';
import { detectFormat } from '../iac/formats';
import { manifestNodes } from '../iac/manifest';
import { ruleAt } from '../iac/siteChecks';
import { LineIndex } from '../iac/text';
import { locate, parseYaml, pathAt } from '../iac/yaml/parse';
import type { ServiceContext } from './context';
import { docAt, zero } from './shared';

export async function definition(ctx: ServiceContext, path: string, text: string, pos: Pos): Promise<DefinitionResult | undefined> {
  try {
    const format = detectFormat(path);
    if (!format || format === 'hosts-nix' || format === 'vm-definitions-nix') return undefined;
    const { tree, lines } = ctx.parse(path, text);
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
    const site = await ctx.siteFor(path, format);
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
