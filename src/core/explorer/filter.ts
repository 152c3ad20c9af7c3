import type { DeclaredGuest } from '../iac/types';
import type { Guest } from '../pve/types';

/**
 * The explorer's filter: space-separated terms that must all match. `key:value` narrows to one field
 * (`name:`, `vmid:`, `tag:`, `status:`, `node:`, `type:`, `pool:`); a bare word matches the name, the
 * VMID or a tag. VMIDs accept ranges (`vmid:100-199`); values are case-insensitive substrings except
 * VMID, status and type, which match exactly.
 */
export type FilterField = 'name' | 'vmid' | 'tag' | 'status' | 'node' | 'type' | 'pool' | 'any';

export interface FilterTerm {
  readonly field: FilterField;
  readonly value: string;
  /** For vmid terms: the inclusive range. */
  readonly range?: readonly [number, number];
}

export interface GuestFilter {
  readonly text: string;
  readonly terms: readonly FilterTerm[];
}

const FIELDS = new Set<FilterField>(['name', 'vmid', 'tag', 'status', 'node', 'type', 'pool']);

export function parseFilter(text: string): GuestFilter {
  const terms: FilterTerm[] = [];
  for (const raw of text.trim().split(/\s+/)) {
    if (!raw) continue;
    const colon = raw.indexOf(':');
    const key = colon > 0 ? raw.slice(0, colon).toLowerCase() : '';
    const field: FilterField = FIELDS.has(key as FilterField) ? (key as FilterField) : 'any';
    const value = (field === 'any' ? raw : raw.slice(colon + 1)).toLowerCase();
    if (!value) continue;
    let range: readonly [number, number] | undefined;
    const m = /^(\d+)(?:-(\d+))?$/.exec(value);
    if (m) range = [Number(m[1]), Number(m[2] ?? m[1])];
    terms.push(range ? { field, value, range } : { field, value });
  }
  return { text: text.trim(), terms };
}

export function isEmptyFilter(f: GuestFilter | undefined): boolean {
  return !f || f.terms.length === 0;
}

function matchesTerm(g: Guest, t: FilterTerm): boolean {
  switch (t.field) {
    case 'name':
      return g.name.toLowerCase().includes(t.value);
    case 'vmid':
      return t.range ? g.vmid >= t.range[0] && g.vmid <= t.range[1] : String(g.vmid).startsWith(t.value);
    case 'tag':
      return g.tags.some((tag) => tag.toLowerCase().includes(t.value));
    case 'status':
      return t.value === 'template' ? g.template : !g.template && g.status === t.value;
    case 'node':
      return g.node.toLowerCase().includes(t.value);
    case 'type':
      return t.value === 'template' ? g.template : t.value === 'vm' ? g.type === 'qemu' : t.value === 'ct' || t.value === 'container' ? g.type === 'lxc' : g.type === t.value;
    case 'pool':
      return (g.pool ?? '').toLowerCase().includes(t.value);
    case 'any':
      return (
        g.name.toLowerCase().includes(t.value) ||
        (t.range !== undefined && g.vmid >= t.range[0] && g.vmid <= t.range[1]) ||
        g.tags.some((tag) => tag.toLowerCase().includes(t.value))
      );
  }
}

export function matchesFilter(g: Guest, f: GuestFilter | undefined): boolean {
  if (!f) return true;
  for (const t of f.terms) if (!matchesTerm(g, t)) return false;
  return true;
}

/**
 * Whether a declaration missing on the cluster matches: it has a name, maybe a VMID, and a template flag,
 * nothing else. A term on a field it lacks (tag, status, node, pool) does not match, since the filter asks
 * for guests with that property and a missing guest has none.
 */
export function matchesDeclaration(d: DeclaredGuest, f: GuestFilter | undefined): boolean {
  if (!f) return true;
  for (const t of f.terms) {
    const name = d.name.toLowerCase().includes(t.value);
    const vmid = d.vmid !== undefined && (t.range ? d.vmid >= t.range[0] && d.vmid <= t.range[1] : String(d.vmid).startsWith(t.value));
    let ok: boolean;
    switch (t.field) {
      case 'name':
        ok = name;
        break;
      case 'vmid':
        ok = vmid;
        break;
      case 'any':
        ok = name || (t.range !== undefined && vmid);
        break;
      case 'type':
        ok = t.value === 'template' ? d.template === true : false;
        break;
      default:
        ok = false;
    }
    if (!ok) return false;
  }
  return true;
}
