/**
 * The configuration iac-driver's ConfigResolver computes for a manifest node, with where each value came
 * from. Order (seed 002, "Resolution Order"): preset → template (for v2 the node's own inline fields) →
 * env → posture; site.yaml defaults underneath everything. Secrets are never resolved into the output.
 */
import * as nodePath from 'node:path';
import type { SiteConfig } from './siteConfig';
import { isRecord } from './siteConfig';

const KEY_ORDER = ['name', 'type', 'parent', 'vmid', 'image', 'cores', 'memory', 'disk', 'bridge', 'spec', 'posture', 'execution_mode'];

export interface ResolvedValue {
  readonly value: unknown;
  /** Where the value came from, e.g. `presets/vm-small.yaml`, `manifest`, `site.yaml defaults`, `default`. */
  readonly from: string;
}

export interface ResolvedNode {
  readonly name: string;
  readonly values: Record<string, ResolvedValue>;
  /** References that could not be resolved (missing files), as sentences. */
  readonly problems: string[];
}

function rel(site: SiteConfig, path: string): string {
  return nodePath.relative(site.root, path).split(nodePath.sep).join('/');
}

/** Resolves one node of a v2 manifest (or one level of a v1 manifest) against a site-config. */
export async function resolveNode(site: SiteConfig | undefined, manifest: Record<string, unknown>, nodeName: string): Promise<ResolvedNode | undefined> {
  const list = Array.isArray(manifest.nodes) ? manifest.nodes : Array.isArray(manifest.levels) ? manifest.levels : [];
  const node = list.find((n): n is Record<string, unknown> => isRecord(n) && n.name === nodeName);
  if (!node) return undefined;
  const isV1 = !Array.isArray(manifest.nodes);
  const values: Record<string, ResolvedValue> = {};
  const problems: string[] = [];
  const set = (key: string, value: unknown, from: string): void => {
    if (value !== undefined && value !== null) values[key] = { value, from };
  };

  // Defaults and site.yaml underneath everything.
  set('bridge', 'vmbr0', 'default');
  set('execution_mode', 'push', 'default');
  const siteFile = site ? await site.site() : undefined;
  const defaults = isRecord(siteFile?.data) && isRecord(siteFile.data.defaults) ? siteFile.data.defaults : {};
  const siteName = siteFile && site ? `${rel(site, siteFile.path)} defaults` : 'site.yaml defaults';
  for (const key of ['bridge', 'timezone', 'vm_user', 'domain', 'gateway']) {
    if (defaults[key] !== '' && defaults[key] !== undefined) set(key, defaults[key], siteName);
  }
  const sitePackages = Array.isArray(defaults.packages) ? defaults.packages.map(String) : [];

  set('name', node.name, 'manifest');
  if (!isV1) set('type', node.type, 'manifest');

  const applySize = (data: Record<string, unknown>, from: string): void => {
    for (const key of ['cores', 'memory', 'disk', 'image']) set(key, data[key], from);
  };
  const load = async (dir: 'presets' | 'vms/presets' | 'vms' | 'envs' | 'specs' | 'postures', id: string, what: string) => {
    if (!site) return undefined;
    const e = (await site.load(dir, id)) ?? (dir === 'presets' ? await site.load('vms/presets', id) : undefined);
    if (!e) problems.push(`The ${what} '${id}' was not found in ${dir}/ of ${site.root}.`);
    return e && isRecord(e.data) ? { data: e.data, from: rel(site, e.path) } : undefined;
  };

  // 1. preset
  const presetId = isV1 ? node.vm_preset : node.preset;
  if (typeof presetId === 'string') {
    const p = await load('presets', presetId, 'preset');
    if (p) applySize(p.data, p.from);
  }
  // 2. template (v1 `template:` → vms/<t>.yaml, itself with a preset) — for v2 the node's inline fields.
  let postureId: string | undefined;
  let postureFrom = 'default';
  if (isV1 && typeof node.template === 'string') {
    const t = await load('vms', node.template, 'template');
    if (t) {
      if (typeof t.data.preset === 'string') {
        const p = await load('presets', t.data.preset, 'preset');
        if (p) applySize(p.data, p.from);
      }
      applySize(t.data, t.from);
    }
  }
  set('image', node.image, 'manifest');
  set('vmid', node.vmid, 'manifest');
  set('disk', node.disk, 'manifest');
  if (!isV1) {
    set('parent', node.parent ?? null, 'manifest');
    const defaultMode = isRecord(manifest.execution) ? manifest.execution.default_mode : undefined;
    set('execution_mode', defaultMode, 'manifest execution.default_mode');
    set('execution_mode', isRecord(node.execution) ? node.execution.mode : undefined, 'manifest node execution.mode');
  }
  // 3. env (v1 env mode)
  if (isV1 && typeof node.env === 'string') {
    const env = await load('envs', node.env, 'env');
    if (env) {
      if (typeof env.data.posture === 'string') {
        postureId = env.data.posture;
        postureFrom = `${env.from} posture`;
      }
      if (typeof env.data.vmid_base === 'number' && values.vmid === undefined) set('vmid', env.data.vmid_base + (typeof node.vmid_offset === 'number' ? node.vmid_offset : 0), `${env.from} vmid_base`);
    }
  }
  // Spec (v2): packages, timezone, posture FK.
  let specPackages: string[] = [];
  if (!isV1 && typeof node.spec === 'string') {
    set('spec', node.spec, 'manifest');
    const spec = await load('specs', node.spec, 'spec');
    if (spec) {
      const access = isRecord(spec.data.access) ? spec.data.access : {};
      if (typeof access.posture === 'string') {
        postureId = access.posture;
        postureFrom = `${spec.from} access.posture`;
      }
      const platform = isRecord(spec.data.platform) ? spec.data.platform : {};
      specPackages = Array.isArray(platform.packages) ? platform.packages.map(String) : [];
      const config = isRecord(spec.data.config) ? spec.data.config : {};
      set('timezone', config.timezone, spec.from);
    }
  }
  // 4. posture (default dev, as iac-driver)
  const posture = postureId ?? (site ? 'dev' : undefined);
  let posturePackages: string[] = [];
  if (posture) {
    set('posture', posture, postureFrom);
    const p = await load('postures', posture, 'posture');
    if (p) {
      const d = p.data;
      if (isRecord(d.auth)) set('auth_method', d.auth.method, p.from);
      if (isRecord(d.ssh)) {
        set('ssh_port', d.ssh.port, p.from);
        set('ssh_permit_root_login', d.ssh.permit_root_login, p.from);
        set('ssh_password_authentication', d.ssh.password_authentication, p.from);
      }
      if (isRecord(d.sudo)) set('sudo_nopasswd', d.sudo.nopasswd, p.from);
      if (isRecord(d.fail2ban)) set('fail2ban_enabled', d.fail2ban.enabled, p.from);
      posturePackages = Array.isArray(d.packages) ? d.packages.map(String) : [];
    }
  }
  const packages = [...new Set([...sitePackages, ...specPackages, ...posturePackages])];
  if (packages.length) set('packages', packages, 'site.yaml + spec + posture (merged)');
  const ordered: Record<string, ResolvedValue> = {};
  for (const key of [...KEY_ORDER, ...Object.keys(values)]) if (values[key] && !ordered[key]) ordered[key] = values[key];
  return { name: nodeName, values: ordered, problems };
}
