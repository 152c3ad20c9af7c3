/**
 * What the graph panel draws: the manifest's nodes with their create/destroy numbers (the same numbers the
 * CLI's `graph` command prints, see manifestGraph.ts), where each node is declared in the file, its problems,
 * and its live state on the cluster when a connection is open. Pure: built in the extension host, sent to the
 * webview as JSON.
 */
export type LiveState = 'running' | 'stopped' | 'missing' | 'other';
export type ViewKind = 'manifest' | 'fleet' | 'talos';

export interface ViewNode {
  /** Unique in the view: the node's name (a repeated name gets `#2`, `#3` …). */
  readonly id: string;
  readonly name: string;
  /**
   * pve / vm / ct for manifest nodes; `proxmox-node` for the Proxmox node a fleet sits on; `host` / `template`
   * (hosts.nix), `controller` / `worker` (talos nodes.yaml).
   */
  readonly type: string;
  readonly vmid?: number;
  readonly parent?: string;
  /** 1-based create order (absent when the node is unreachable). */
  readonly order?: number;
  /** 1-based destroy order: the reverse. */
  readonly destroyOrder?: number;
  /** Zero-based line of the node's declaration, for "reveal". */
  readonly line: number;
  readonly problems: number;
  readonly severity?: 'error' | 'warning';
  readonly state?: LiveState;
  /** The guest's own status word when state is `other` (paused, suspended …). */
  readonly status?: string;
  /** Plan / apply / destroy run for this node (iac-driver manifests with a plain node name). */
  readonly runnable: boolean;
}

export interface GraphView {
  readonly kind: ViewKind;
  readonly title: string;
  /** Absolute path of the file drawn. */
  readonly file: string;
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  /** Set when the file cannot be drawn (not YAML, no nodes[]): the page shows it instead of a graph. */
  readonly message?: string;
  /** The connection whose state is shown, when one is open. */
  readonly connection?: string;
}

/** Where each entry of the file starts and ends (offsets), and its first line, in file order. */
export interface NodeSpan {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

export interface Problem {
  readonly line: number;
  readonly severity: 'error' | 'warning';
}

export interface LiveGuest {
  readonly vmid: number;
  readonly name: string;
  readonly type: 'qemu' | 'lxc';
  readonly status: string;
  readonly template?: boolean;
}

export interface ViewOptions {
  readonly spans?: readonly NodeSpan[];
  readonly problems?: readonly Problem[];
  /** The cluster's guests when a connection is open; undefined: no live state. */
  readonly guests?: readonly LiveGuest[];
  readonly connection?: string;
  readonly isRunnableName?: (name: string) => boolean;
}

/** Unique ids for names, in order: a repeated name gets `#2`, `#3` … */
export function uniqueIds(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}#${k}`;
  });
}

/** The live state of a declared guest: matched by VMID when it has one, else by name and type. */
export function liveStateOf(node: { name: string; type: string; vmid?: number }, guests: readonly LiveGuest[]): { state: LiveState; status?: string } {
  const type = node.type === 'ct' || node.type === 'lxc' ? 'lxc' : 'qemu';
  const guest = node.vmid !== undefined ? guests.find((g) => g.vmid === node.vmid) : guests.find((g) => g.name === node.name && g.type === type);
  if (!guest) return { state: 'missing' };
  if (guest.status === 'running' || guest.status === 'stopped') return { state: guest.status };
  return { state: 'other', status: guest.status };
}

/** A one-line accessible description of a node: what a screen reader says when it gets focus. */
export function nodeLabel(n: ViewNode, destroy: boolean): string {
  const order = destroy ? n.destroyOrder : n.order;
  const parts = [
    order !== undefined ? `${destroy ? 'destroyed' : 'created'} ${ordinal(order)}` : 'not reachable from a root',
    `${n.name}, ${typeName(n.type)}${n.vmid !== undefined ? ` ${n.vmid}` : ''}`,
  ];
  if (n.parent) parts.push(`on ${n.parent}`);
  if (n.state) parts.push(n.state === 'missing' ? 'missing on the cluster' : n.state === 'other' ? (n.status ?? 'unknown state') : n.state);
  if (n.problems) parts.push(`${n.problems} ${n.problems === 1 ? 'problem' : 'problems'}`);
  return parts.join(', ');
}

export function typeName(type: string): string {
  switch (type) {
    case 'pve':
      return 'nested Proxmox VE';
    case 'vm':
      return 'VM';
    case 'ct':
      return 'container';
    case 'proxmox-node':
      return 'Proxmox node';
    case 'host':
      return 'host';
    case 'template':
      return 'template';
    case 'controller':
      return 'Talos control-plane node';
    case 'worker':
      return 'Talos worker node';
    default:
      return type;
  }
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}
