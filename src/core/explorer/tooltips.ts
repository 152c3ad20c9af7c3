/**
 * Every explorer row's tooltip, as Markdown: a bold title saying what the row is, then one labelled line per
 * figure, each with its unit. Built on hover (resolveTreeItem), so changing figures never re-render a row.
 */
import type { AgentSummary } from '../agent/summary';
import { stateLabel } from '../agent/state';
import type { DeclaredGuest } from '../iac/types';
import type { Guest, PveNode, Snapshot, Storage } from '../pve/types';
import { escapeMarkdown as md, formatBytes, formatCpu, formatUptime } from './format';
import { basename } from './rows';

function lines(title: string, rows: readonly (readonly [string, string | undefined])[]): string {
  const out = [title, ''];
  for (const [k, v] of rows) if (v !== undefined && v !== '') out.push(`- ${k}: ${v}`);
  return out.join('\n');
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '0%';
}

function usage(used: number, total: number): string {
  return `${formatBytes(used)} of ${formatBytes(total)} (${percent(used, total)})`;
}

function cpus(n: number): string {
  return `${n} ${n === 1 ? 'CPU' : 'CPUs'}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export interface TooltipExtras {
  readonly declarations?: readonly DeclaredGuest[];
  readonly readonlySource?: string;
  /** Addresses from the guest agent, when known (without `agent`). */
  readonly ips?: readonly string[];
  /** What the guest agent answered (the board's last check, or the explorer's own questions). */
  readonly agent?: AgentSummary;
}

/** The agent's lines: state (with when and by whom it was asked), the hint when it is not well, OS, host name, addresses. */
function agentRows(a: AgentSummary): [string, string | undefined][] {
  const when = a.checkedAt !== undefined ? `, checked ${new Date(a.checkedAt).toLocaleTimeString()}${a.source === 'board' ? ' by the guest-agent board' : ''}` : '';
  return [
    ['Guest agent', `${stateLabel(a.state)}${when}`],
    ['Hint', a.hint ? md(a.hint) : undefined],
    ['OS', a.os !== undefined ? md(a.os) : undefined],
    ['Host name', a.hostname !== undefined ? md(a.hostname) : undefined],
    ['IP addresses', a.ips.length ? a.ips.map(md).join(', ') : undefined],
  ];
}

function statusText(g: Guest): string {
  if (g.template) return 'template';
  if (g.status === 'paused' || g.status === 'suspended') return `${g.status} (frozen in memory; Resume to continue)`;
  return g.status;
}

/** A guest (VM or container). */
export function guestTooltip(g: Guest, extras: TooltipExtras = {}): string {
  const kind = g.template ? 'Template' : g.type === 'lxc' ? 'Container' : 'Virtual machine';
  const alive = !g.template && g.status !== 'stopped' && g.status !== 'unknown';
  const rows: [string, string | undefined][] = [
    ['Node', md(g.node)],
    ['Status', statusText(g)],
  ];
  if (alive) rows.push(['Uptime', formatUptime(g.uptime)]);
  if (g.status === 'running' && !g.template) rows.push(['CPU', `${formatCpu(g.cpu)} of ${cpus(g.maxcpu)}`]);
  else if (g.maxcpu > 0) rows.push(['CPUs', String(g.maxcpu)]);
  if (g.maxmem > 0) rows.push(['Memory', alive ? `${formatBytes(g.mem)} of ${formatBytes(g.maxmem)}` : formatBytes(g.maxmem)]);
  if (g.maxdisk > 0) rows.push(['Disk', formatBytes(g.maxdisk)]);
  if (g.tags.length) rows.push(['Tags', g.tags.map((t) => `\`${t.replace(/`/g, '')}\``).join(' ')]);
  if (g.pool) rows.push(['Pool', md(g.pool)]);
  if (g.lock) rows.push(['Lock', md(g.lock)]);
  if (g.hastate) rows.push(['HA', md(g.hastate)]);
  if (extras.agent && extras.agent.state !== 'stopped' && !g.template) rows.push(...agentRows(extras.agent));
  else if (extras.ips?.length) rows.push(['IP addresses', extras.ips.map(md).join(', ')]);
  if (extras.declarations?.length) {
    rows.push(['Declared in', extras.declarations.map((d) => md(`${basename(d.file)}:${d.range.start.line + 1}`)).join(', ')]);
  } else if (extras.declarations) {
    rows.push(['IaC', 'not declared in the workspace (unmanaged)']);
  }
  if (extras.readonlySource) rows.push(['Read-only', `set in ${md(extras.readonlySource)}`]);
  return lines(`**${md(g.name || String(g.vmid))}** — ${kind} ${g.vmid}`, rows);
}

/** A cluster node, with the guests the tree shows under it. */
export function nodeTooltip(n: PveNode, guests: { readonly total: number; readonly running: number }, storages: number): string {
  const online = n.status === 'online';
  return lines(`**${md(n.node)}** — Node`, [
    ['Status', n.status],
    ['Uptime', online && n.uptime !== undefined ? formatUptime(n.uptime) : undefined],
    ['CPU', online && n.cpu !== undefined ? `${formatCpu(n.cpu)}${n.maxcpu ? ` of ${cpus(n.maxcpu)}` : ''}` : undefined],
    ['Memory', online && n.mem !== undefined && n.maxmem ? usage(n.mem, n.maxmem) : undefined],
    ['Guests', `${plural(guests.total, 'guest')} (${guests.running.toLocaleString('en-US')} running)`],
    ['Storage', storages ? plural(storages, 'storage') : undefined],
  ]);
}

/** A storage on a node. */
export function storageTooltip(s: Storage): string {
  return lines(`**${md(s.storage)}** — Storage on ${md(s.node)}`, [
    ['Status', s.status],
    ['Used', s.maxdisk > 0 ? usage(s.disk, s.maxdisk) : undefined],
    ['Free', s.maxdisk > 0 ? formatBytes(Math.max(0, s.maxdisk - s.disk)) : undefined],
    ['Type', s.plugintype ? md(s.plugintype) : undefined],
    ['Content', s.content.length ? s.content.map(md).join(', ') : undefined],
    ['Shared', s.shared ? 'yes (the same storage on every node)' : 'no (local to this node)'],
  ]);
}

export interface ConnectionFacts {
  readonly name: string;
  readonly url: string;
  readonly active: boolean;
  readonly nodes?: number;
  readonly guests?: number;
  readonly storages?: number;
  readonly error?: string;
  readonly filter?: string;
}

/** A connection (one cluster). */
export function connectionTooltip(c: ConnectionFacts): string {
  return lines(`**${md(c.name)}** — Proxmox VE connection`, [
    ['URL', md(c.url)],
    ['Active', c.active ? 'yes (commands and the status bar use it)' : 'no'],
    ['Nodes', c.nodes !== undefined ? String(c.nodes) : undefined],
    ['Guests', c.guests !== undefined ? String(c.guests) : undefined],
    ['Storages', c.storages !== undefined ? String(c.storages) : undefined],
    ['Filter', c.filter ? `\`${c.filter.replace(/`/g, '')}\`` : undefined],
    ['Last refresh failed', c.error ? md(c.error) : undefined],
  ]);
}

/** A snapshot of a guest: its own facts, not the guest's. */
export function snapshotTooltip(s: Snapshot, g: Pick<Guest, 'name' | 'vmid'>): string {
  return lines(`**${md(s.name)}** — Snapshot of ${md(g.name || String(g.vmid))} (VMID ${g.vmid})`, [
    ['Taken', s.snaptime ? new Date(s.snaptime * 1000).toLocaleString() : undefined],
    ['RAM', s.vmstate ? 'included (the guest resumes where it was)' : 'not included (disk state only)'],
    ['Parent', s.parent && s.parent !== 'current' ? md(s.parent) : undefined],
    ['Description', s.description ? md(s.description.trim()) : undefined],
  ]);
}

/** A declaration that no guest on the cluster matches. */
export function missingTooltip(d: DeclaredGuest): string {
  return lines(`**${md(d.name)}** — Declared in IaC, missing on the cluster`, [
    ['VMID', d.vmid !== undefined ? String(d.vmid) : 'none declared (matched by name)'],
    ['Declared in', md(`${basename(d.file)}:${d.range.start.line + 1}`)],
    ['Template', d.template ? 'yes' : undefined],
    ['Read-only', d.readonly ? `yes${d.readonlySource ? `, set in ${md(d.readonlySource)}` : ''}` : undefined],
  ]);
}

/** A grouping row (a node's storage list, a tag, a pool, a type, the IaC groups): what it holds. */
export function groupTooltip(title: string, what: string, count: number, one: string, many?: string): string {
  return lines(`**${md(title)}** — ${what}`, [['Contains', plural(count, one, many)]]);
}
