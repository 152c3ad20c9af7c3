#!/usr/bin/env node
// Regenerates src/sim/schema/apidoc.json — the part of the official PVE 9.1 API schema (pve-docs apidata.js)
// that the simulator serves and validates against — from ../shared/pve-api/apidoc.json (or the path given
// as the first argument). Documentation texts are dropped to keep the bundled CLI small; every constraint
// the server checks (type, optional, enum, pattern, format, min/max, lengths, additionalProperties) stays.
// Usage: node src/sim/schema/regenerate.mjs [/path/to/apidoc.json]
import { readFileSync, writeFileSync } from 'node:fs';

const source = process.argv[2] ?? new URL('../../../../shared/pve-api/apidoc.json', import.meta.url).pathname;
const out = new URL('./apidoc.json', import.meta.url).pathname;

/** Every path the simulator implements (all methods of each are kept). */
const PATHS = [
  '/version',
  '/cluster/resources',
  '/cluster/nextid',
  '/cluster/tasks',
  '/nodes',
  '/nodes/{node}/storage',
  '/nodes/{node}/network',
  '/nodes/{node}/tasks',
  '/nodes/{node}/tasks/{upid}',
  '/nodes/{node}/tasks/{upid}/status',
  '/nodes/{node}/tasks/{upid}/log',
  '/access/ticket',
  '/pools',
  // Backups (src/sim/backups.ts); restores are POST /nodes/{node}/qemu|lxc, kept below with every method.
  '/nodes/{node}/storage/{storage}/content',
  '/nodes/{node}/storage/{storage}/content/{volume}',
  '/nodes/{node}/vzdump',
];
for (const t of ['qemu', 'lxc']) {
  const g = `/nodes/{node}/${t}/{vmid}`;
  PATHS.push(`/nodes/{node}/${t}`, g, `${g}/status/current`, `${g}/clone`, `${g}/template`, `${g}/config`,
    `${g}/snapshot`, `${g}/snapshot/{snapname}`, `${g}/snapshot/{snapname}/rollback`, `${g}/snapshot/{snapname}/config`,
    `${g}/vncproxy`, `${g}/termproxy`);
  for (const a of ['start', 'shutdown', 'stop', 'reboot', 'suspend', 'resume']) PATHS.push(`${g}/status/${a}`);
}
for (const c of ['ping', 'network-get-interfaces', 'get-osinfo', 'get-host-name']) PATHS.push(`/nodes/{node}/qemu/{vmid}/agent/${c}`);
// Provisioning (src/sim/provisioning.ts).
PATHS.push('/nodes/{node}/qemu/{vmid}/resize');

const DROP = new Set(['description', 'verbose_description', 'typetext', 'format_description', 'title', 'renderer', 'print_width']);
// Drops documentation keys of schema nodes, but never entries of a name → schema map (`properties`, an
// object-valued `format`): a parameter may well be called `description`.
function strip(v) {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      if (DROP.has(k)) continue;
      o[k] = (k === 'properties' || (k === 'format' && x && typeof x === 'object')) ? stripMap(x) : strip(x);
    }
    return o;
  }
  return v;
}
function stripMap(m) {
  const o = {};
  for (const [name, schema] of Object.entries(m)) o[name] = strip(schema);
  return o;
}

const index = new Map();
(function walk(nodes) {
  for (const n of nodes) {
    index.set(n.path, n);
    if (n.children) walk(n.children);
  }
})(JSON.parse(readFileSync(source, 'utf8')));

const result = {};
for (const p of PATHS) {
  const n = index.get(p);
  if (!n) {
    // The LXC API has no POST config etc.; a path missing entirely is an error in this list.
    throw new Error(`${p} is not in ${source}`);
  }
  result[p] = {};
  for (const [method, info] of Object.entries(n.info ?? {})) {
    const keep = { parameters: strip(info.parameters ?? {}), returns: strip(info.returns ?? {}) };
    if (info.permissions) keep.permissions = strip(info.permissions);
    if (info.allowtoken) keep.allowtoken = 1;
    result[p][method] = keep;
  }
}
writeFileSync(out, `${JSON.stringify(result)}\n`);
console.log(`wrote ${out}: ${Object.keys(result).length} paths, ${(JSON.stringify(result).length / 1024).toFixed(0)} KiB`);
