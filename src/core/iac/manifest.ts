/**
 * iac-driver manifests: the semantic checks beyond the schema (graph shape, names, VMIDs, references into
 * the site-config, resolved sizes, read-only and live guests) and the v1 → v2 conversion.
 */
import type { LiveCluster } from '../validate/api';
import type { DeclaredGuest } from './types';
import type { EntityDir } from './formats';
import type { Issue } from './issues';
import { REF_DIRS } from './eras';
import { closest } from './levenshtein';
import { isRecord } from './siteConfig';

/** homestak's tofu limits (see the examples' SOURCES.md). */
export const LIMITS = { coresMin: 1, coresMax: 128, memoryMin: 512, diskMin: 1 } as const;
export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** What the checks know about the site-config, loaded before they run (the checks themselves are synchronous). */
export interface SiteFacts {
  readonly names: (dir: EntityDir) => readonly string[];
  /** Parsed preset (presets/, v2/presets/ or vms/presets/), for resolved sizes. */
  readonly preset: (id: string) => Record<string, unknown> | undefined;
}

export interface ManifestCheckContext {
  readonly site?: SiteFacts;
  readonly vmidRanges?: readonly (readonly [number, number])[];
  readonly readonlyVmids?: readonly number[];
  readonly readonlyGuests?: readonly DeclaredGuest[];
  readonly live?: LiveCluster;
}

export interface ManifestNodeView {
  readonly index: number;
  readonly name: string | undefined;
  readonly type: string | undefined;
  readonly parent: string | undefined;
  readonly vmid: number | undefined;
  readonly raw: Record<string, unknown>;
}

export function manifestVersion(data: unknown): 1 | 2 | undefined {
  if (!isRecord(data)) return undefined;
  const v = data.schema_version;
  if (v === 2) return 2;
  if (v === 1 || (v === undefined && Array.isArray(data.levels))) return 1;
  if (v === undefined && Array.isArray(data.nodes)) return 2;
  return typeof v === 'number' ? 2 : undefined;
}

export function manifestNodes(data: unknown): ManifestNodeView[] {
  if (!isRecord(data) || !Array.isArray(data.nodes)) return [];
  const out: ManifestNodeView[] = [];
  data.nodes.forEach((n: unknown, index) => {
    if (!isRecord(n)) return;
    out.push({
      index,
      name: typeof n.name === 'string' ? n.name : undefined,
      type: typeof n.type === 'string' ? n.type : undefined,
      parent: typeof n.parent === 'string' ? n.parent : undefined,
      vmid: typeof n.vmid === 'number' ? n.vmid : undefined,
      raw: n,
    });
  });
  return out;
}

function at(index: number, key: string): (string | number)[] {
  return ['nodes', index, key];
}

export function checkManifestV2(data: unknown, ctx: ManifestCheckContext): Issue[] {
  const issues: Issue[] = [];
  const nodes = manifestNodes(data);
  const byName = new Map<string, ManifestNodeView>();
  const byVmid = new Map<number, ManifestNodeView>();
  const names = nodes.map((n) => n.name).filter((n): n is string => n !== undefined);

  for (const n of nodes) {
    if (n.name !== undefined) {
      const first = byName.get(n.name);
      if (first) {
        issues.push({
          path: at(n.index, 'name'),
          on: 'value',
          severity: 'error',
          code: 'duplicate-name',
          message: `Duplicate node name '${n.name}': node ${first.index + 1} already uses it. Node names must be unique; rename one of them.`,
        });
      } else byName.set(n.name, n);
      if (!NAME_PATTERN.test(n.name)) {
        const fixed = n.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '');
        issues.push({
          path: at(n.index, 'name'),
          on: 'value',
          severity: 'error',
          code: 'invalid-name',
          message: `Node name '${n.name}' is not a valid hostname for homestak: use lower case letters, digits and '-', starting with a letter (^[a-z][a-z0-9-]*$).`,
          ...(fixed && NAME_PATTERN.test(fixed) ? { data: { replacement: fixed } } : {}),
        });
      }
    }
    if (n.vmid !== undefined) {
      const first = byVmid.get(n.vmid);
      if (first) {
        issues.push({
          path: at(n.index, 'vmid'),
          on: 'value',
          severity: 'error',
          code: 'duplicate-vmid',
          message: `Duplicate VMID ${n.vmid}: node '${first.name ?? first.index + 1}' already uses it. Give each node its own VMID.`,
        });
      } else byVmid.set(n.vmid, n);
      const ranges = ctx.vmidRanges ?? [];
      if (ranges.length && !ranges.some(([lo, hi]) => n.vmid! >= lo && n.vmid! <= hi)) {
        issues.push({
          path: at(n.index, 'vmid'),
          on: 'value',
          severity: 'error',
          code: 'vmid-out-of-range',
          message: `VMID ${n.vmid} is outside the allowed ranges (${ranges.map(([a, b]) => `${a}–${b}`).join(', ')}); pick a VMID inside them or change the proxmoxIac VMID ranges setting.`,
        });
      }
    }
  }

  // Parents: unknown, non-pve, cycles.
  for (const n of nodes) {
    if (n.parent === undefined) continue;
    const parent = byName.get(n.parent);
    if (!parent) {
      const suggestion = closest(n.parent, names.filter((x) => x !== n.name));
      issues.push({
        path: at(n.index, 'parent'),
        on: 'value',
        severity: 'error',
        code: 'unknown-parent',
        message: `Unknown parent '${n.parent}': no node of this manifest has that name.${suggestion ? ` Did you mean '${suggestion}'?` : ` Known nodes: ${names.join(', ') || 'none'}.`}`,
        ...(suggestion ? { data: { replacement: suggestion } } : {}),
      });
    } else if (parent.type !== undefined && parent.type !== 'pve') {
      issues.push({
        path: at(n.index, 'parent'),
        on: 'value',
        severity: 'error',
        code: 'parent-not-pve',
        message: `Parent '${n.parent}' is a ${parent.type} node; only pve nodes can host children. Make '${n.parent}' type: pve or choose a pve parent.`,
      });
    }
  }
  for (const cycle of findCycles(nodes, byName)) {
    const text = [...cycle.map((c) => c.name), cycle[0].name].join(' → ');
    for (const c of cycle) {
      issues.push({
        path: at(c.index, 'parent'),
        on: 'value',
        severity: 'error',
        code: 'parent-cycle',
        message: `Node '${c.name}' is part of a parent cycle (${text}, each arrow pointing to the parent); iac-driver cannot order it. Make one of these nodes a root (remove its parent).`,
      });
    }
  }

  // References into the site-config and resolved sizes.
  if (ctx.site) {
    const specs = namesIn(ctx.site, REF_DIRS.spec);
    const presets = namesIn(ctx.site, REF_DIRS.preset);
    for (const n of nodes) {
      const spec = n.raw.spec;
      if (typeof spec === 'string') issues.push(...checkRef(at(n.index, 'spec'), spec, specs, 'spec', present(ctx.site, REF_DIRS.spec)));
      const preset = n.raw.preset;
      if (typeof preset === 'string') {
        const refIssues = checkRef(at(n.index, 'preset'), preset, presets, 'preset', present(ctx.site, REF_DIRS.preset));
        issues.push(...refIssues);
        if (!refIssues.length) issues.push(...checkResolvedSize(n, ctx.site.preset(preset), preset));
      }
    }
  }

  // Read-only guests and the live cluster.
  const readonly = new Map<number, string>();
  for (const v of ctx.readonlyVmids ?? []) readonly.set(v, 'the proxmoxIac read-only VMIDs setting');
  for (const g of ctx.readonlyGuests ?? []) {
    if (g.readonly && g.vmid !== undefined) readonly.set(g.vmid, `${g.name} in ${g.readonlySource ?? g.file}`);
  }
  const liveByVmid = new Map((ctx.live?.guests ?? []).map((g) => [g.vmid, g] as const));
  for (const n of nodes) {
    if (n.vmid === undefined) continue;
    const source = readonly.get(n.vmid);
    if (source) {
      issues.push({
        path: at(n.index, 'vmid'),
        on: 'value',
        severity: 'error',
        code: 'readonly-vmid',
        message: `VM ${n.vmid} is declared read-only (${source}); this manifest would create, change or destroy it. Use another VMID.`,
      });
    }
    const liveGuest = liveByVmid.get(n.vmid);
    if (liveGuest && liveGuest.name !== n.name) {
      issues.push({
        path: at(n.index, 'vmid'),
        on: 'value',
        severity: 'warning',
        code: 'live-vmid-conflict',
        message: `VMID ${n.vmid} is already used by '${liveGuest.name}' on node ${liveGuest.node} in the live cluster; creating '${n.name ?? 'this node'}' would fail or replace it. Pick a free VMID.`,
      });
    }
  }
  return issues;
}

function namesIn(site: SiteFacts, dirs: readonly EntityDir[]): string[] {
  return [...new Set(dirs.flatMap((d) => site.names(d)))];
}

/** The folders of an era's lookup that this site-config has (the first always), for messages. */
function present(site: SiteFacts, dirs: readonly EntityDir[]): EntityDir[] {
  return dirs.filter((d, i) => i === 0 || site.names(d).length > 0);
}

function checkResolvedSize(n: ManifestNodeView, preset: Record<string, unknown> | undefined, presetName: string): Issue[] {
  const issues: Issue[] = [];
  const path = at(n.index, 'preset');
  const cores = preset?.cores;
  const memory = preset?.memory;
  const disk = typeof n.raw.disk === 'number' ? undefined : preset?.disk;
  const problem = (what: string): Issue => ({
    path,
    on: 'value',
    severity: 'error',
    code: 'resolved-size',
    message: `Preset '${presetName}' gives this node ${what}; fix presets/${presetName}.yaml or choose another preset.`,
  });
  if (typeof cores === 'number' && (cores < LIMITS.coresMin || cores > LIMITS.coresMax)) issues.push(problem(`${cores} cores (homestak allows ${LIMITS.coresMin}–${LIMITS.coresMax})`));
  if (typeof memory === 'number' && memory < LIMITS.memoryMin) issues.push(problem(`${memory} MB of memory (homestak needs at least ${LIMITS.memoryMin})`));
  if (typeof disk === 'number' && disk < LIMITS.diskMin) issues.push(problem(`a ${disk} GB disk (homestak needs at least ${LIMITS.diskMin})`));
  return issues;
}

/** An error on a foreign key that names no existing file, with the closest existing id as the fix. */
export function checkRef(path: (string | number)[], value: string, existing: readonly string[], what: string, dirs: string | readonly string[]): Issue[] {
  if (existing.includes(value)) return [];
  const suggestion = closest(value, existing);
  return [
    {
      path,
      on: 'value',
      severity: 'error',
      code: 'unknown-reference',
      message: `Unknown ${what} '${value}': there is no ${(typeof dirs === 'string' ? [dirs] : dirs).map((d) => `${d}/${value}.yaml`).join(' or ')}.${suggestion ? ` Did you mean '${suggestion}'?` : existing.length ? ` Available: ${existing.join(', ')}.` : ''}`,
      ...(suggestion ? { data: { replacement: suggestion } } : {}),
    },
  ];
}

function findCycles(nodes: readonly ManifestNodeView[], byName: Map<string, ManifestNodeView>): ManifestNodeView[][] {
  const cycles: ManifestNodeView[][] = [];
  const state = new Map<ManifestNodeView, 'visiting' | 'done'>();
  for (const start of nodes) {
    if (state.has(start)) continue;
    const chain: ManifestNodeView[] = [];
    let cur: ManifestNodeView | undefined = start;
    while (cur && !state.has(cur)) {
      state.set(cur, 'visiting');
      chain.push(cur);
      cur = cur.parent !== undefined ? byName.get(cur.parent) : undefined;
    }
    if (cur && state.get(cur) === 'visiting') cycles.push(chain.slice(chain.indexOf(cur)));
    for (const c of chain) state.set(c, 'done');
  }
  return cycles;
}

// ---------------------------------------------------------------------------------------------------------
// v1

export function checkManifestV1(data: unknown, ctx: ManifestCheckContext): Issue[] {
  const issues: Issue[] = [];
  const hasVersion = isRecord(data) && 'schema_version' in data;
  issues.push({
    path: hasVersion ? ['schema_version'] : ['levels'],
    on: 'key',
    severity: 'warning',
    code: 'manifest-v1',
    message:
      'Manifest schema_version 1 (levels[]) is deprecated: current iac-driver runs only schema_version 2 (nodes[] with parent). Use the quick fix "Convert to schema_version 2" to rewrite it.',
  });
  if (!isRecord(data) || !Array.isArray(data.levels)) return issues;
  const seen = new Map<string, number>();
  data.levels.forEach((level: unknown, i) => {
    if (!isRecord(level)) return;
    if (typeof level.name === 'string') {
      if (seen.has(level.name)) {
        issues.push({
          path: ['levels', i, 'name'],
          on: 'value',
          severity: 'error',
          code: 'duplicate-name',
          message: `Duplicate level name '${level.name}': level ${seen.get(level.name)! + 1} already uses it.`,
        });
      } else seen.set(level.name, i);
    }
    if (ctx.site) {
      // The v1 resolver read presets from vms/presets/ (seed 002's resolution order).
      const refs: [string, readonly EntityDir[], string][] = [
        ['vm_preset', REF_DIRS.vmPreset, 'preset'],
        ['template', ['vms'], 'template'],
        ['env', ['envs'], 'env'],
      ];
      for (const [key, dirs, what] of refs) {
        const v = level[key];
        if (typeof v === 'string') issues.push(...checkRef(['levels', i, key], v, namesIn(ctx.site, dirs), what, present(ctx.site, dirs)));
      }
    }
  });
  return issues;
}

export interface ConversionSource {
  /** vms/<template>.yaml data, to carry a v1 template's preset and image into the v2 node. */
  readonly template?: (id: string) => Record<string, unknown> | undefined;
  /**
   * The v2 name of a v1 preset: v1 read `vms/presets/<x>.yaml`, v2 reads `presets/` (earlier `v2/presets/`),
   * where the same sizes are named `vm-<x>`.
   */
  readonly preset?: (v1Name: string) => string;
}

/**
 * Rewrites a v1 manifest as v2: each level becomes a node whose parent is the previous level; every level
 * that hosts another becomes `type: pve`, the innermost `type: vm`. Fields v2 has no place for
 * (`post_scenario`, `env`, `vmid_offset`) are kept as comments so nothing is silently lost.
 */
export function convertV1ToV2(data: Record<string, unknown>, src: ConversionSource = {}): string {
  const levels = Array.isArray(data.levels) ? data.levels.filter(isRecord) : [];
  const out: string[] = ['schema_version: 2'];
  out.push(`name: ${yamlScalar(data.name ?? 'converted')}`);
  if (typeof data.description === 'string') out.push(`description: ${yamlScalar(data.description)}`);
  out.push(`pattern: ${levels.length > 1 ? 'tiered' : 'flat'}`);
  out.push('', 'nodes:');
  let previous: string | undefined;
  levels.forEach((level, i) => {
    const name = typeof level.name === 'string' ? level.name : `level-${i + 1}`;
    const template = typeof level.template === 'string' ? src.template?.(level.template) : undefined;
    const v1Preset = level.vm_preset ?? template?.preset;
    const preset = typeof v1Preset === 'string' && src.preset ? src.preset(v1Preset) : v1Preset;
    const image = level.image ?? template?.image;
    out.push(`  - name: ${yamlScalar(name)}`);
    out.push(`    type: ${i < levels.length - 1 ? 'pve' : 'vm'}`);
    if (i < levels.length - 1 || level.post_scenario === 'pve-setup') out.push('    spec: pve');
    if (preset !== undefined) out.push(`    preset: ${yamlScalar(preset)}`);
    if (image !== undefined) out.push(`    image: ${yamlScalar(image)}`);
    if (typeof level.vmid === 'number') out.push(`    vmid: ${level.vmid}`);
    if (typeof template?.disk === 'number') out.push(`    disk: ${template.disk}`);
    if (previous !== undefined) out.push(`    parent: ${yamlScalar(previous)}`);
    for (const key of ['template', 'env', 'vmid_offset', 'post_scenario', 'post_scenario_args']) {
      if (level[key] !== undefined && level[key] !== null && !(Array.isArray(level[key]) && (level[key] as unknown[]).length === 0)) {
        out.push(`    # v1 ${key}: ${JSON.stringify(level[key])} (no v2 equivalent; pve nodes get PVE set up automatically)`);
      }
    }
    previous = name;
  });
  if (isRecord(data.settings)) {
    const settings = Object.entries(data.settings).filter(([k]) => ['verify_ssh', 'cleanup_on_failure', 'timeout_buffer', 'on_error'].includes(k));
    if (settings.length) {
      out.push('', 'settings:');
      for (const [k, v] of settings) out.push(`  ${k}: ${yamlScalar(v)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function yamlScalar(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  return /^[A-Za-z0-9][A-Za-z0-9._\-/ ]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) && !/\s$/.test(s) ? s : JSON.stringify(s);
}
