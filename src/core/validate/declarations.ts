/**
 * Plan lens targets of one file and the guests every IaC file under a folder declares.
 */
import * as nodePath from 'node:path';
import type { DeclaredGuest } from '../iac/types';
import type { LensTarget } from './api';
import { detectFormat, entityId } from '../iac/formats';
import { manifestNodes } from '../iac/manifest';
import { isRecord } from '../iac/siteConfig';
import { talosNodes } from '../iac/talos';
import { locate } from '../iac/yaml/parse';
import type { ServiceContext } from './context';
import { isKubernetesObject, SOURCE_LIMIT, zero } from './shared';

export function lensTargets(ctx: ServiceContext, path: string, text: string): LensTarget[] {
  try {
    const format = detectFormat(path);
    if (format !== 'manifest' && format !== 'talos-nodes') return [];
    const { tree, lines } = ctx.parse(path, text);
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

export async function declaredGuests(ctx: ServiceContext, roots: readonly string[]): Promise<DeclaredGuest[]> {
  const out: DeclaredGuest[] = [];
  const files: string[] = [];
  for (const root of roots) await collect(ctx, root, 0, files);
  for (const file of files) {
    const format = detectFormat(file);
    const text = await ctx.files.readFile(file).catch(() => undefined);
    if (text === undefined || text.length > SOURCE_LIMIT) continue;
    try {
      if (format === 'hosts-nix' || format === 'vm-definitions-nix') {
        if (ctx.options.nix) out.push(...(await ctx.options.nix.declaredGuests(file, text)));
        continue;
      }
      const { tree, lines } = ctx.parse(file, text);
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

async function collect(ctx: ServiceContext, dir: string, depth: number, out: string[]): Promise<void> {
  if (depth > 6 || out.length > 5000) return;
  const entries = await ctx.files.listDir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = nodePath.join(dir, name);
    const format = detectFormat(full);
    if (format === 'manifest' || format === 'talos-nodes' || format === 'hosts-nix' || format === 'vm-definitions-nix') out.push(full);
    else if (!/\.[a-z0-9]+$/i.test(name)) await collect(ctx, full, depth + 1, out);
  }
}
