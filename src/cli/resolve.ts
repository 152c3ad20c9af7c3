import * as nodePath from 'node:path';
import { resolveNode } from '../core/iac/resolve';
import { isRecord, looksLikeSiteConfig, SiteConfig } from '../core/iac/siteConfig';
import { nodeFileSource } from '../core/validate/nodeFiles';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from './command';
import { safeJson } from './safeText';

const usage = `Usage: proxmox-iac resolve --site-config DIR --manifest NAME [--node NAME]

Prints the configuration iac-driver's ConfigResolver computes for each node of manifests/NAME.yaml, as JSON:
preset → template (the node's own fields) → env → posture, over site.yaml defaults, with the file each value
came from under "sources". Secrets are never printed.

  --site-config DIR   the site-config folder (default: $HOMESTAK_SITE_CONFIG)
  --manifest NAME     manifest name (manifests/NAME.yaml) or a path to a manifest file
  --node NAME         only this node

Exit status: 0 ok, 1 a reference could not be resolved, 2 could not run.`;

export const resolveCommand: CliCommand = {
  name: 'resolve',
  summary: 'Print the resolved per-node configuration of a manifest (like ConfigResolver tfvars)',
  usage,
  async run(args, io) {
    const opts: Record<string, string> = {};
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const m = /^--(site-config|manifest|node)(?:=(.*))?$/.exec(a);
      if (!m) {
        io.err(`proxmox-iac resolve: unknown argument '${a}'. Run 'proxmox-iac resolve --help'.`);
        return EXIT_USAGE;
      }
      const v = m[2] ?? args[++i];
      if (v === undefined) {
        io.err(`proxmox-iac resolve: --${m[1]} needs a value.`);
        return EXIT_USAGE;
      }
      opts[m[1]] = v;
    }
    const dir = opts['site-config'] ?? io.env.HOMESTAK_SITE_CONFIG;
    if (!dir || !opts.manifest) {
      io.err('proxmox-iac resolve: give --site-config DIR (or set HOMESTAK_SITE_CONFIG) and --manifest NAME.');
      return EXIT_USAGE;
    }
    const files = nodeFileSource();
    const root = nodePath.resolve(io.cwd, dir);
    if (!(await looksLikeSiteConfig(files, root))) {
      io.err(`proxmox-iac resolve: '${dir}' does not look like a site-config (no site.yaml, manifests/, specs/ or presets/).`);
      return EXIT_USAGE;
    }
    const site = new SiteConfig(root, files);
    const manifest = /[\\/]|\.ya?ml$/.test(opts.manifest) ? await site.loadFile(nodePath.resolve(io.cwd, opts.manifest)) : await site.load('manifests', opts.manifest);
    if (!manifest || !isRecord(manifest.data)) {
      io.err(`proxmox-iac resolve: manifest '${opts.manifest}' not found or not a YAML mapping (looked in ${nodePath.join(root, 'manifests')}).`);
      return EXIT_USAGE;
    }
    const data = manifest.data;
    const list = (Array.isArray(data.nodes) ? data.nodes : Array.isArray(data.levels) ? data.levels : []).filter(isRecord);
    const names = list.map((n) => n.name).filter((n): n is string => typeof n === 'string');
    if (opts.node !== undefined && !names.includes(opts.node)) {
      io.err(`proxmox-iac resolve: manifest '${opts.manifest}' has no node '${opts.node}'. Nodes: ${names.join(', ')}.`);
      return EXIT_USAGE;
    }
    const nodes = [];
    const problems: string[] = [];
    for (const name of opts.node !== undefined ? [opts.node] : names) {
      const r = await resolveNode(site, data, name);
      if (!r) continue;
      const values: Record<string, unknown> = {};
      const sources: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.values)) {
        values[k] = v.value;
        sources[k] = v.from;
      }
      nodes.push({ ...values, sources });
      problems.push(...r.problems);
    }
    io.out(safeJson({ manifest: typeof data.name === 'string' ? data.name : opts.manifest, site_config: root, nodes }));
    for (const p of [...new Set(problems)]) io.err(`proxmox-iac resolve: ${p}`);
    return problems.length ? EXIT_FAILED : EXIT_OK;
  },
};
