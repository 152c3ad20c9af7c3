/**
 * Rows grouped by the template they were cloned from, with a verdict per template, so a template whose
 * clones never answer (seed 000's blocker: an Ubuntu cloud image without qemu-guest-agent) shows at a
 * glance. Filtering and sorting live here too; the webview imports this module. Pure.
 */
import { primaryAddress, addressesOf } from './addresses';
import { type AgentReport, hintFor, stateLabel } from './state';

export interface TemplateInfo {
  readonly vmid: number;
  readonly name: string;
  readonly node: string;
}

export interface BoardGroup {
  /** Template VMID, or undefined for guests with no known template. */
  readonly template?: TemplateInfo;
  readonly rows: readonly AgentReport[];
  /** Running clones with the agent enabled, and how many of them answered. */
  readonly asked: number;
  readonly answered: number;
  /** Every asked clone stays silent: the template lacks qemu-guest-agent. */
  readonly neverAnswers: boolean;
  /** One sentence for the group header. */
  readonly summary: string;
}

export type SortKey = 'vmid' | 'name' | 'state' | 'node' | 'checked';

export function groupByTemplate(reports: readonly AgentReport[], templates: readonly TemplateInfo[], sort: SortKey = 'vmid'): BoardGroup[] {
  const byTemplate = new Map<number, AgentReport[]>();
  const loose: AgentReport[] = [];
  for (const r of reports) {
    if (r.clonedFrom === undefined) loose.push(r);
    else byTemplate.set(r.clonedFrom, [...(byTemplate.get(r.clonedFrom) ?? []), r]);
  }
  const groups: BoardGroup[] = [];
  const known = new Map(templates.map((t) => [t.vmid, t]));
  for (const [vmid, rows] of [...byTemplate.entries()].sort((a, b) => a[0] - b[0])) {
    const t = known.get(vmid) ?? { vmid, name: `template ${vmid}`, node: rows[0]?.node ?? '' };
    groups.push(group(t, rows, sort));
  }
  if (loose.length > 0) groups.push(group(undefined, loose, sort));
  // The templates whose clones never answer come first: that is the thing to fix.
  return groups.sort((a, b) => Number(b.neverAnswers) - Number(a.neverAnswers));
}

function group(template: TemplateInfo | undefined, rows: AgentReport[], sort: SortKey): BoardGroup {
  const asked = rows.filter((r) => r.state !== 'stopped' && r.state !== 'not-enabled' && r.state !== 'unchecked' && r.state !== 'no-permission' && r.state !== 'error');
  const answered = asked.filter((r) => r.state === 'answering' || r.state === 'unsupported').length;
  const neverAnswers = template !== undefined && asked.length > 0 && answered === 0;
  const summary = !template
    ? `${rows.length} guest${rows.length === 1 ? '' : 's'} not linked-cloned from a template`
    : neverAnswers
      ? `No clone of template ${template.vmid} (${template.name}) answers: ${asked.length} of ${asked.length} running clones with the agent enabled are silent. Install qemu-guest-agent in the template (bake it in), then re-clone.`
      : `${answered} of ${asked.length} running clones with the agent enabled answer`;
  return { ...(template ? { template } : {}), rows: sortRows(rows, sort), asked: asked.length, answered, neverAnswers, summary };
}

const STATE_ORDER: Record<AgentReport['state'], number> = { 'not-answering': 0, 'no-permission': 1, error: 2, unsupported: 3, 'not-enabled': 4, unchecked: 5, answering: 6, stopped: 7 };

export function sortRows(rows: readonly AgentReport[], key: SortKey): AgentReport[] {
  const cmp: Record<SortKey, (a: AgentReport, b: AgentReport) => number> = {
    vmid: (a, b) => a.vmid - b.vmid,
    name: (a, b) => a.name.localeCompare(b.name) || a.vmid - b.vmid,
    state: (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.vmid - b.vmid,
    node: (a, b) => a.node.localeCompare(b.node) || a.vmid - b.vmid,
    checked: (a, b) => (b.checkedAt ?? 0) - (a.checkedAt ?? 0) || a.vmid - b.vmid,
  };
  return [...rows].sort(cmp[key]);
}

/** Words match VMID, name, node, OS, host name, state, hint or any address (case-insensitive, all must match). */
export function matchesFilter(r: AgentReport, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [
    String(r.vmid),
    r.name,
    r.node,
    r.osName ?? '',
    r.hostname ?? '',
    stateLabel(r.state),
    r.state,
    hintFor(r),
    ...addressesOf(r.interfaces ?? []).map((a) => a.address),
  ]
    .join(' ')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

export { primaryAddress };
