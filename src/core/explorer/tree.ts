import type { DeclaredGuest } from '../iac/types';
import type { ClusterSnapshot, Guest } from '../pve/types';
import { correlate, readonlyReason, type Correlation } from './correlate';
import { plural } from './tooltips';
import { matchesFilter, type GuestFilter } from './filter';
import { addIacGroups, filterCorrelation } from './iacRows';
import {
  guestContext,
  guestIcon,
  guestLabel,
  makeRow,
  nodeDescription,
  nodeIcon,
  storageDescription,
  GuestRow,
  type GuestIac,
  type LabelStyle,
  type Row,
} from './rows';
import { runAtOnce, runSliced, YIELD_EVERY, type Pause } from './slices';
import { TreeRows } from './treeRows';
import { idPart, nodeRowId } from './rowIds';

export type GroupBy = 'node' | 'tag' | 'pool' | 'type';
export type SortBy = 'vmid' | 'name' | 'status';

export interface TreeOptions {
  readonly groupBy: GroupBy;
  readonly sortBy: SortBy;
  readonly label: LabelStyle;
  readonly showStorage: boolean;
  /**
   * Node and group rows open by default only while the tree shows at most this many guests; above it they
   * start collapsed, so a 20,000-guest cluster does not make VS Code build every row at once.
   */
  readonly expandUpTo?: number;
}

export const DEFAULT_EXPAND_UP_TO = 1000;

export const DEFAULT_TREE_OPTIONS: TreeOptions = { groupBy: 'node', sortBy: 'vmid', label: 'name', showStorage: true };

export interface TreeInput {
  /** The connection row's id; every row below it is prefixed with it, so several clusters never clash. */
  readonly rootId: string;
  readonly snapshot: ClusterSnapshot;
  readonly options: TreeOptions;
  readonly filter?: GuestFilter;
  /** Declarations from the workspace; undefined when the IaC side is not available (no correlation shown). */
  readonly declared?: readonly DeclaredGuest[];
  readonly readonlyVmids?: readonly number[];
  /**
   * Whether VS Code has listed a parent's children. Guest rows below a parent it has not are made only when
   * something asks for them, so a refresh does not make 20,000 rows nobody sees. Undefined: every row now.
   */
  readonly listed?: (parentId: string) => boolean;
}

/**
 * The rows below one connection. `children` maps a row id (or the root id) to its children's ids. The guest rows
 * of a parent not listed when the tree was built are made when first asked for (treeRows.ts).
 */
export interface SubTree {
  readonly rootId: string;
  readonly rows: ReadonlyMap<string, Row>;
  readonly children: ReadonlyMap<string, readonly string[]>;
  /** The ids of the rows made so far, without making more. */
  madeRowIds(): Iterable<string>;
  /** How many children a row (or the root) has, without making them. */
  childCount(parentId: string): number;
  /** Guests by id (`qemu/100`); built on first use, since a refresh itself never needs it. */
  readonly guests: ReadonlyMap<string, Guest>;
  readonly guestCount: number;
  readonly correlation?: Correlation;
  /** Guest ids that matched the filter. */
  readonly visibleGuests: number;
}

const STATUS_ORDER: Record<string, number> = { running: 0, paused: 1, suspended: 1, stopped: 2, unknown: 3 };

function compareGuests(sortBy: SortBy): (a: Guest, b: Guest) => number {
  switch (sortBy) {
    case 'vmid':
      return (a, b) => a.vmid - b.vmid;
    case 'name':
      return (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.vmid - b.vmid);
    case 'status':
      return (a, b) =>
        Number(a.template) - Number(b.template) || (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) || a.vmid - b.vmid;
  }
}

const TYPE_GROUPS = [
  { key: 'qemu', label: 'Virtual machines', icon: 'vm' },
  { key: 'lxc', label: 'Containers', icon: 'package' },
  { key: 'template', label: 'Templates', icon: 'file-symlink-directory' },
] as const;

/**
 * Builds the rows below one connection from one `/cluster/resources` snapshot. Pure and linear in the
 * number of guests, so the benchmark can measure it without VS Code.
 */
export function buildSubTree(input: TreeInput): SubTree {
  return runAtOnce(subTreeSteps(input));
}

/** `buildSubTree` in slices that give the event loop a turn (see slices.ts). */
export function buildSubTreeSliced(input: TreeInput, budgetMs?: number, pause?: Pause): Promise<SubTree> {
  return runSliced(subTreeSteps(input), budgetMs, pause);
}

function* subTreeSteps(input: TreeInput): Generator<void, SubTree> {
  const { rootId, snapshot, options, filter } = input;
  const readonlyVmids = input.readonlyVmids ?? [];
  const correlation = input.declared && input.declared.length > 0 ? correlate(snapshot.guests, input.declared) : undefined;
  let guests: Map<string, Guest> | undefined;
  const guestsById = (): ReadonlyMap<string, Guest> => (guests ??= new Map(snapshot.guests.map((g) => [g.id, g])));

  const NO_IAC: GuestIac = {};
  const iacOf = (g: Guest): GuestIac => {
    if (!correlation && readonlyVmids.length === 0) return NO_IAC;
    const declarations = correlation?.declaredBy.get(g.id);
    const ro = readonlyReason(g.vmid, declarations, readonlyVmids);
    return {
      state: correlation ? (declarations ? 'declared' : 'unmanaged') : undefined,
      readonlySource: ro?.source,
    };
  };

  const guestRow = (g: Guest, id: string, parentId: string): Row => {
    const iac = iacOf(g);
    // Guests expand to their snapshots and backups; templates (no snapshots) to their backups.
    return new GuestRow(id, parentId, g, guestLabel(g, options.label), guestIcon(g), guestContext(g, iac), 'collapsed', options.label, iac);
  };
  // A guest row's id is its parent's prefix and the guest's id (`…/guest/qemu/100` below a node,
  // `<group id>/qemu/100` below a group): the parent of a row not made yet follows from that.
  const nodePrefix = `${rootId}/guest/`;
  const tree = new TreeRows(rootId, guestRow, (id) => {
    if (!id.startsWith(nodePrefix)) return id.slice(0, id.lastIndexOf('/', id.lastIndexOf('/') - 1));
    // Only `<type>/<vmid>` can follow: a snapshot row's id (…/qemu/100/snapshot/x) is no guest row.
    const guestId = id.slice(nodePrefix.length);
    if (guestId.indexOf('/') !== guestId.lastIndexOf('/')) return undefined;
    const g = guestsById().get(guestId);
    return g && nodeRowId(rootId, g.node);
  });
  const add = (row: Row): void => tree.add(row);
  /** A parent's guest rows: made now (with turns of the event loop) when VS Code lists it, else when asked for. */
  function* addGuests(list: readonly Guest[], prefix: string, parentId: string): Generator<void> {
    if (input.listed && !input.listed(parentId)) {
      tree.defer(parentId, list, prefix);
      return;
    }
    for (let i = 0; i < list.length; i++) {
      if (i % YIELD_EVERY === 0) yield;
      add(guestRow(list[i], prefix + list[i].id, parentId));
    }
  }

  const filtering = filter !== undefined && filter.terms.length > 0;
  const visible: Guest[] = filtering ? snapshot.guests.filter((g) => matchesFilter(g, filter)) : snapshot.guests.slice();
  yield;
  // PVE lists guests in VMID order already; checking costs far less than sorting 5,000 rows again.
  const compare = compareGuests(options.sortBy);
  let sorted = true;
  for (let i = 1; i < visible.length && sorted; i++) if (compare(visible[i - 1], visible[i]) > 0) sorted = false;
  if (!sorted) visible.sort(compare);
  const open = visible.length <= (options.expandUpTo ?? DEFAULT_EXPAND_UP_TO) ? 'expanded' : 'collapsed';

  if (options.groupBy === 'node') {
    const byNode = new Map<string, Guest[]>();
    for (let i = 0; i < visible.length; i++) {
      const g = visible[i];
      if (i % YIELD_EVERY === 0) yield;
      const list = byNode.get(g.node);
      if (list) list.push(g);
      else byNode.set(g.node, [g]);
    }
    const storagesByNode = new Map<string, typeof snapshot.storages[number][]>();
    for (const s of snapshot.storages) {
      const list = storagesByNode.get(s.node);
      if (list) list.push(s);
      else storagesByNode.set(s.node, [s]);
    }
    const nodes = [...snapshot.nodes].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    for (const n of nodes) {
      const nodeGuests = byNode.get(n.node) ?? [];
      if (filtering && nodeGuests.length === 0) continue;
      const nodeId = nodeRowId(rootId, n.node);
      const storages = options.showStorage && !filtering ? (storagesByNode.get(n.node) ?? []) : [];
      add(
        makeRow({
          id: nodeId,
          kind: 'node',
          parentId: undefined,
          label: n.node,
          description: nodeDescription(n, nodeGuests.length),
          icon: nodeIcon(n),
          contextValue: `node ${n.status}`,
          collapsible: nodeGuests.length || storages.length ? open : 'none',
          node: n.node,
        }),
      );
      yield* addGuests(nodeGuests, nodePrefix, nodeId);
      if (storages.length) {
        const groupId = `${nodeId}/storage`;
        add(
          makeRow({
            id: groupId,
            kind: 'storage-group',
            parentId: nodeId,
            label: 'Storage',
            description: plural(storages.length, 'storage'),
            icon: { id: 'database' },
            contextValue: 'storage-group',
            collapsible: 'collapsed',
            node: n.node,
          }),
        );
        for (const s of [...storages].sort((a, b) => (a.storage < b.storage ? -1 : 1))) {
          add(
            makeRow({
              id: `${rootId}/${s.id}`,
              kind: 'storage',
              parentId: groupId,
              label: s.storage,
              description: storageDescription(s, false),
              icon: { id: 'database', color: s.status === 'available' ? undefined : 'charts.orange' },
              contextValue: 'storage',
              collapsible: 'none',
              node: s.node,
            }),
          );
        }
      }
    }
  } else {
    // tag / pool / type: one group per key; a guest with two tags appears in both, under distinct ids.
    const groups = new Map<string, Guest[]>();
    const push = (key: string, g: Guest): void => {
      const list = groups.get(key);
      if (list) list.push(g);
      else groups.set(key, [g]);
    };
    for (const g of visible) {
      if (options.groupBy === 'tag') {
        if (g.tags.length === 0) push('', g);
        for (const t of g.tags) push(t, g);
      } else if (options.groupBy === 'pool') push(g.pool ?? '', g);
      else push(g.template ? 'template' : g.type, g);
    }
    let keys: { key: string; label: string; icon: string }[];
    if (options.groupBy === 'type') {
      keys = TYPE_GROUPS.filter((t) => groups.has(t.key)).map((t) => ({ ...t }));
    } else {
      const empty = options.groupBy === 'tag' ? '(untagged)' : '(no pool)';
      keys = [...groups.keys()]
        .sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0))
        .map((key) => ({ key, label: key || empty, icon: options.groupBy === 'tag' ? 'tag' : 'folder' }));
    }
    for (const k of keys) {
      const groupId = `${rootId}/${options.groupBy}/${idPart(k.key)}`;
      const list = groups.get(k.key) ?? [];
      add(
        makeRow({
          id: groupId,
          kind: 'group',
          parentId: undefined,
          label: k.label,
          description: plural(list.length, 'guest'),
          icon: { id: k.icon },
          contextValue: `group ${options.groupBy}`,
          collapsible: open,
        }),
      );
      yield* addGuests(list, `${groupId}/`, groupId);
    }
    if (options.showStorage && !filtering && snapshot.storages.length) {
      const groupId = `${rootId}/storage`;
      add(
        makeRow({
          id: groupId,
          kind: 'storage-group',
          parentId: undefined,
          label: 'Storage',
          description: plural(snapshot.storages.length, 'storage'),
          icon: { id: 'database' },
          contextValue: 'storage-group',
          collapsible: 'collapsed',
        }),
      );
      for (const s of snapshot.storages) {
        add(
          makeRow({
            id: `${rootId}/${s.id}`,
            kind: 'storage',
            parentId: groupId,
            label: s.storage,
            description: storageDescription(s, true),
            icon: { id: 'database', color: s.status === 'available' ? undefined : 'charts.orange' },
            contextValue: 'storage',
            collapsible: 'none',
            node: s.node,
          }),
        );
      }
    }
  }

  if (snapshot.guests.length === 0) {
    add(
      makeRow({
        id: `${rootId}/message/no-guests`,
        kind: 'message',
        parentId: undefined,
        label: 'No guests visible',
        description: 'the token may lack VM.Audit',
        icon: { id: 'info' },
        contextValue: 'message',
        collapsible: 'none',
      }),
    );
  } else if (filtering && visible.length === 0) {
    add(
      makeRow({
        id: `${rootId}/message/no-match`,
        kind: 'message',
        parentId: undefined,
        label: `No guest matches "${filter.text}"`,
        description: 'click to clear the filter',
        icon: { id: 'filter' },
        contextValue: 'message',
        collapsible: 'none',
        action: { command: 'proxmoxIac.explorer.clearFilter', title: 'Clear Filter' },
      }),
    );
  }

  if (correlation) addIacGroups(add, rootId, filtering ? filterCorrelation(correlation, filter) : correlation, options.label);

  return {
    rootId,
    rows: tree.rows,
    children: tree.children,
    madeRowIds: () => tree.madeIds(),
    childCount: (parentId) => tree.count(parentId),
    get guests(): ReadonlyMap<string, Guest> {
      return guestsById();
    },
    guestCount: snapshot.guests.length,
    correlation,
    visibleGuests: visible.length,
  };
}
