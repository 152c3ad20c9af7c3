import type { DeclaredGuest } from '../iac/types';
import type { Guest, PveNode, Storage } from '../pve/types';
import { formatBytes, formatCpu } from './format';

/**
 * What one explorer row looks like, as plain data: the VS Code layer turns it into a TreeItem 1:1. Codicon
 * and theme-colour ids are strings here so this module stays free of `vscode`.
 */
export type RowKind =
  | 'connection'
  | 'node'
  | 'group'
  | 'storage-group'
  | 'guest'
  | 'storage'
  | 'iac-missing-group'
  | 'iac-missing'
  | 'iac-unmanaged-group'
  | 'iac-unmanaged'
  | 'snapshot'
  | 'backups'
  | 'backup'
  | 'message';

export interface RowIcon {
  /** Codicon id, e.g. `vm-running`. */
  readonly id: string;
  /** Theme colour id, e.g. `charts.green`. */
  readonly color?: string;
}

export interface Row {
  /** Stable and unique in the whole tree; VS Code keys selection and expansion on it. */
  readonly id: string;
  readonly kind: RowKind;
  readonly parentId: string | undefined;
  readonly label: string;
  readonly description?: string;
  readonly icon: RowIcon;
  /** Space-separated tokens the menus in package.json match with `viewItem =~ /\btoken\b/`. */
  readonly contextValue: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  /** The guest a guest / unmanaged row shows (`qemu/100`). */
  readonly guestId?: string;
  /** The node a node / storage row belongs to. */
  readonly node?: string;
  /** The declaration a missing row shows. */
  readonly declaration?: DeclaredGuest;
  /** Message rows: plain-text tooltip (the full sentence with the fix); snapshot rows: Markdown (tooltips.ts). */
  readonly tooltip?: string;
  /** For snapshot rows: the snapshot's name. */
  readonly snapshotName?: string;
  /** For message rows: a command the row runs when clicked, by id. */
  readonly action?: { readonly command: string; readonly title: string };
}

export type LabelStyle = 'name' | 'vmid-name';

export function guestLabel(g: Guest, style: LabelStyle): string {
  const name = g.name || `${g.type === 'lxc' ? 'CT' : 'VM'} ${g.vmid}`;
  return style === 'vmid-name' ? `${g.vmid} ${name}` : name;
}

/** The guest's state as one word, the way the icon shows it. Template and lock win over power state. */
export function guestState(g: Guest): 'template' | 'locked' | 'ha-error' | 'running' | 'paused' | 'stopped' | 'unknown' {
  if (g.template) return 'template';
  if (g.lock) return 'locked';
  if (g.hastate && /^(error|fence|recovery)$/.test(g.hastate)) return 'ha-error';
  if (g.status === 'running') return 'running';
  if (g.status === 'paused' || g.status === 'suspended') return 'paused';
  if (g.status === 'stopped') return 'stopped';
  return 'unknown';
}

const ICONS = {
  template: { id: 'file-symlink-directory', color: 'charts.purple' },
  locked: { id: 'lock', color: 'charts.orange' },
  haError: { id: 'error', color: 'errorForeground' },
  vmRunning: { id: 'vm-running', color: 'charts.green' },
  vmRunningHa: { id: 'vm-running', color: 'charts.blue' },
  ctRunning: { id: 'package', color: 'charts.green' },
  ctRunningHa: { id: 'package', color: 'charts.blue' },
  vmPaused: { id: 'debug-pause', color: 'charts.yellow' },
  ctPaused: { id: 'package', color: 'charts.yellow' },
  vmStopped: { id: 'vm-outline', color: 'disabledForeground' },
  ctStopped: { id: 'package', color: 'disabledForeground' },
  unknown: { id: 'question', color: 'charts.orange' },
} as const satisfies Record<string, RowIcon>;

/** The icon for a guest's state; shared constant objects, since every refresh asks for thousands. */
export function guestIcon(g: Guest): RowIcon {
  const container = g.type === 'lxc';
  switch (guestState(g)) {
    case 'template':
      return ICONS.template;
    case 'locked':
      return ICONS.locked;
    case 'ha-error':
      return ICONS.haError;
    case 'running':
      return container ? (g.hastate ? ICONS.ctRunningHa : ICONS.ctRunning) : g.hastate ? ICONS.vmRunningHa : ICONS.vmRunning;
    case 'paused':
      return container ? ICONS.ctPaused : ICONS.vmPaused;
    case 'stopped':
      return container ? ICONS.ctStopped : ICONS.vmStopped;
    case 'unknown':
      return ICONS.unknown;
  }
}

export interface GuestIac {
  /** `declared` / `unmanaged`, or undefined when the workspace declares nothing (no correlation to show). */
  readonly state?: 'declared' | 'unmanaged';
  /** Where the read-only flag is set, when it is. */
  readonly readonlySource?: string;
}

/** `maxmem` repeats across guests (a few sizes), so its text is remembered; bounded so it cannot grow. */
const maxmemText = new Map<number, string>();
function formatMaxmem(bytes: number): string {
  let text = maxmemText.get(bytes);
  if (text === undefined) {
    text = formatBytes(bytes);
    if (maxmemText.size > 1000) maxmemText.clear();
    maxmemText.set(bytes, text);
  }
  return text;
}

export function guestDescription(g: Guest, style: LabelStyle, iac: GuestIac): string {
  // String concatenation rather than array joins: this runs for every guest on every refresh.
  let d = style === 'vmid-name' ? '' : `${g.vmid} · `;
  if (g.template) d += 'template';
  else if (g.status === 'running') d += g.maxmem > 0 ? `${formatCpu(g.cpu)} · ${formatBytes(g.mem)} / ${formatMaxmem(g.maxmem)}` : `${formatCpu(g.cpu)} · ${formatBytes(g.mem)}`;
  else d += g.status;
  if (g.lock) d += ` · locked (${g.lock})`;
  if (g.hastate) d += ` · HA ${g.hastate}`;
  if (iac.state === 'declared') d += ' · in IaC';
  else if (iac.state === 'unmanaged') d += ' · unmanaged';
  if (iac.readonlySource) d += ' · read-only';
  return d;
}

const CONTEXT_BY_STATUS: Record<Guest['type'], Partial<Record<string, string>>> = {
  qemu: { running: 'guest qemu running', stopped: 'guest qemu stopped', paused: 'guest qemu paused', suspended: 'guest qemu suspended', unknown: 'guest qemu unknown' },
  lxc: { running: 'guest lxc running', stopped: 'guest lxc stopped', paused: 'guest lxc paused', suspended: 'guest lxc suspended', unknown: 'guest lxc unknown' },
};

/** Menu tokens: kind, type, power state, template, and the IaC facts menus care about. */
export function guestContext(g: Guest, iac: GuestIac): string {
  // The common strings are constants, so most guests allocate nothing here.
  let c = g.template ? (g.type === 'lxc' ? 'guest lxc template' : 'guest qemu template') : (CONTEXT_BY_STATUS[g.type][g.status] ?? `guest ${g.type} ${g.status}`);
  if (g.lock) c += ' locked';
  if (iac.state) c += ` ${iac.state}`;
  if (iac.readonlySource) c += ' readonly';
  return c;
}

export function nodeIcon(n: PveNode): RowIcon {
  if (n.status === 'online') return { id: 'server', color: 'charts.green' };
  if (n.status === 'offline') return { id: 'server', color: 'errorForeground' };
  return { id: 'server', color: 'charts.orange' };
}

export function nodeDescription(n: PveNode, guestCount: number): string {
  const parts: string[] = [n.status];
  if (n.status === 'online' && n.cpu !== undefined) parts.push(formatCpu(n.cpu));
  if (n.status === 'online' && n.mem !== undefined && n.maxmem) parts.push(`${formatBytes(n.mem)} / ${formatBytes(n.maxmem)}`);
  parts.push(guestCount === 1 ? '1 guest' : `${guestCount} guests`);
  return parts.join(' · ');
}

export function storageDescription(s: Storage, withNode: boolean): string {
  const parts: string[] = [];
  if (withNode) parts.push(s.node);
  if (s.maxdisk > 0) parts.push(`${formatBytes(s.disk)} / ${formatBytes(s.maxdisk)}`);
  if (s.status !== 'available') parts.push(s.status);
  if (s.shared) parts.push('shared');
  return parts.join(' · ');
}

export function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** `formatCpu`'s outcome as a number (equal keys ⇔ equal text), without making the string. */
function cpuKey(cpu: number): number {
  if (!Number.isFinite(cpu) || cpu <= 0) return -2;
  const pct = cpu * 100;
  return pct < 1 ? -1 : Math.round(pct);
}

/** `formatBytes`'s outcome as a number (equal keys ⇔ equal text), without making the string. */
function bytesKey(bytes: number): number {
  if (!(bytes > 0) || bytes === Infinity) return -1;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    unit++;
  }
  // Whole numbers key as ≥ 100 and tenths as ≤ 99 within a unit, as formatBytes shows them.
  return unit * 1e6 + (unit === 0 || value >= 9.95 ? Math.round(value) * 10 : Math.round(value * 10));
}

/**
 * A guest row whose description is formatted only when VS Code asks for it: a refresh compares the
 * numbers behind the text instead (see `sameAppearance`), so an unchanged 5,000-guest refresh formats
 * nothing.
 */
export class GuestRow implements Row {
  readonly kind = 'guest' as const;
  private text: string | undefined;

  constructor(
    readonly id: string,
    readonly parentId: string,
    readonly guest: Guest,
    readonly label: string,
    readonly icon: RowIcon,
    readonly contextValue: string,
    readonly collapsible: 'none' | 'collapsed',
    private readonly style: LabelStyle,
    private readonly iac: GuestIac,
  ) {}

  get guestId(): string {
    return this.guest.id;
  }

  get node(): string {
    return this.guest.node;
  }

  get description(): string {
    this.text ??= guestDescription(this.guest, this.style, this.iac);
    return this.text;
  }

  /** Whether `other` shows the same description, decided on numbers (mirrors guestDescription). */
  sameDescription(other: GuestRow): boolean {
    const a = this.guest;
    const b = other.guest;
    if (this.style !== other.style || this.iac.state !== other.iac.state || this.iac.readonlySource !== other.iac.readonlySource) return false;
    if (a.vmid !== b.vmid || a.template !== b.template || a.status !== b.status || a.lock !== b.lock || a.hastate !== b.hastate) return false;
    if (a.template || a.status !== 'running') return true;
    return (
      cpuKey(a.cpu) === cpuKey(b.cpu) &&
      bytesKey(a.mem) === bytesKey(b.mem) &&
      (a.maxmem > 0) === (b.maxmem > 0) &&
      (a.maxmem <= 0 || a.maxmem === b.maxmem || bytesKey(a.maxmem) === bytesKey(b.maxmem))
    );
  }
}

/**
 * Whether two builds of a row render the same, so no change event is needed. Compares the fields VS Code
 * shows instead of a joined signature string: a refresh of thousands of rows then allocates nothing here.
 */
export function sameAppearance(a: Row, b: Row): boolean {
  if (a instanceof GuestRow && b instanceof GuestRow) {
    return a.label === b.label && a.icon === b.icon && a.contextValue === b.contextValue && a.collapsible === b.collapsible && a.sameDescription(b);
  }
  return (
    a.label === b.label &&
    a.description === b.description &&
    (a.icon === b.icon || (a.icon.id === b.icon.id && a.icon.color === b.icon.color)) &&
    a.contextValue === b.contextValue &&
    a.collapsible === b.collapsible &&
    a.tooltip === b.tooltip &&
    a.action?.command === b.action?.command
  );
}

/** A row; kept as a function so every kind is built the same way (and the shape stays monomorphic). */
export function makeRow(r: Row): Row {
  return r;
}
