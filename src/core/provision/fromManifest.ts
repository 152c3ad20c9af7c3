/**
 * "Provision from manifest node": the pipeline's answers from a node's resolved configuration (iac-driver's
 * ConfigResolver order: preset → node → env → posture, over site.yaml), and the template its `image` names
 * (`debian-12` → a template called `debian-12-template` or `debian-12`).
 */
import * as nodePath from 'node:path';
import { resolveNode } from '../iac/resolve';
import { isRecord, ownRoot, SiteConfig } from '../iac/siteConfig';
import { parseDocument } from 'yaml';
import type { FileSource } from '../validate/api';
import type { Guest } from '../pve/types';
import type { ProvisionAnswers } from './answers';

export interface ResolvedForProvision {
  readonly name: string;
  readonly vmid?: number;
  readonly image?: string;
  readonly cores?: number;
  readonly memory?: number;
  readonly diskGiB?: number;
  readonly user?: string;
}

/** Resolves `nodeName` of the manifest at `file` (its site-config is the folder above `manifests/`). */
export async function resolveManifestNode(files: FileSource, file: string, text: string, nodeName: string): Promise<ResolvedForProvision | string> {
  const data: unknown = parseDocument(text).toJS();
  if (!isRecord(data)) return `${nodePath.basename(file)} is not a manifest (no YAML mapping).`;
  const root = ownRoot(file) ?? nodePath.dirname(nodePath.dirname(file));
  const r = await resolveNode(new SiteConfig(root, files), data, nodeName);
  if (!r) return `${nodePath.basename(file)} has no node "${nodeName}".`;
  const v = (k: string): unknown => r.values[k]?.value;
  const num = (k: string): number | undefined => (typeof v(k) === 'number' ? (v(k) as number) : undefined);
  const str = (k: string): string | undefined => (typeof v(k) === 'string' ? (v(k) as string) : undefined);
  const out: ResolvedForProvision = { name: nodeName };
  return {
    ...out,
    ...(num('vmid') !== undefined ? { vmid: num('vmid')! } : {}),
    ...(str('image') ? { image: str('image')! } : {}),
    ...(num('cores') !== undefined ? { cores: num('cores')! } : {}),
    ...(num('memory') !== undefined ? { memory: num('memory')! } : {}),
    ...(num('disk') !== undefined ? { diskGiB: num('disk')! } : {}),
    ...(str('vm_user') ? { user: str('vm_user')! } : {}),
  };
}

/** The template for an image name among the live guests, or a sentence saying none matches. */
export function templateForImage(image: string | undefined, guests: readonly Guest[]): Guest | string {
  if (!image) return 'The node resolves to no `image`, so no template can be chosen. Add `image:` to the node or its preset.';
  const templates = guests.filter((g) => g.template && g.type === 'qemu');
  const hit = templates.find((g) => g.name === `${image}-template`) ?? templates.find((g) => g.name === image);
  return hit ?? `No template named "${image}-template" or "${image}" on the cluster (templates: ${templates.map((t) => t.name).join(', ') || 'none'}). Build the image's template first.`;
}

export function answersFromResolved(r: ResolvedForProvision, template: Guest, vmid: number): ProvisionAnswers {
  return {
    template: { node: template.node, vmid: template.vmid, name: template.name },
    node: template.node,
    name: r.name,
    vmid,
    ...(r.cores !== undefined ? { cores: r.cores } : {}),
    ...(r.memory !== undefined ? { memory: r.memory } : {}),
    ...(r.diskGiB !== undefined ? { diskGiB: r.diskGiB } : {}),
    full: true,
    cloudInit: { ...(r.user ? { user: r.user } : {}), ip: { dhcp: true } },
  };
}
