import type { Correlation } from './correlate';
import { matchesDeclaration, matchesFilter, type GuestFilter } from './filter';
import { basename, guestIcon, guestLabel, makeRow, type LabelStyle, type Row } from './rows';
import { plural } from './tooltips';

/** The "Missing on the cluster" and "Unmanaged" groups below a connection, from the last correlation. */

/** The filter applies to the "Missing" and "Unmanaged" groups too. */
export function filterCorrelation(c: Correlation, f: GuestFilter): Correlation {
  return { ...c, missing: c.missing.filter((d) => matchesDeclaration(d, f)), unmanaged: c.unmanaged.filter((g) => matchesFilter(g, f)) };
}

export function addIacGroups(add: (row: Row) => void, rootId: string, c: Correlation, label: LabelStyle): void {
  if (c.missing.length) {
    const groupId = `${rootId}/iac/missing`;
    add(
      makeRow({
        id: groupId,
        kind: 'iac-missing-group',
        parentId: undefined,
        label: 'Missing on the cluster (declared in IaC)',
        description: plural(c.missing.length, 'declaration'),
        icon: { id: 'warning', color: 'charts.yellow' },
        contextValue: 'iac-missing-group',
        collapsible: 'collapsed',
      }),
    );
    const seen = new Set<string>();
    for (const d of c.missing) {
      let id = `${groupId}/${d.file}#${d.name}`;
      for (let i = 2; seen.has(id); i++) id = `${groupId}/${d.file}#${d.name}#${i}`;
      seen.add(id);
      add(
        makeRow({
          id,
          kind: 'iac-missing',
          parentId: groupId,
          label: d.name,
          description: [d.vmid !== undefined ? `VMID ${d.vmid}` : undefined, `${basename(d.file)}:${d.range.start.line + 1}`]
            .filter(Boolean)
            .join(' · '),
          icon: { id: 'circle-slash', color: 'charts.yellow' },
          contextValue: 'iac-missing',
          collapsible: 'none',
          declaration: d,
        }),
      );
    }
  }
  if (c.unmanaged.length) {
    const groupId = `${rootId}/iac/unmanaged`;
    add(
      makeRow({
        id: groupId,
        kind: 'iac-unmanaged-group',
        parentId: undefined,
        label: 'Unmanaged (not in IaC)',
        description: plural(c.unmanaged.length, 'guest'),
        icon: { id: 'question' },
        contextValue: 'iac-unmanaged-group',
        collapsible: 'collapsed',
      }),
    );
    for (const g of [...c.unmanaged].sort((a, b) => a.vmid - b.vmid)) {
      add(
        makeRow({
          id: `${groupId}/${g.id}`,
          kind: 'iac-unmanaged',
          parentId: groupId,
          label: guestLabel(g, label),
          description: `${label === 'vmid-name' ? '' : `${g.vmid} · `}${g.node}`,
          icon: guestIcon(g),
          contextValue: 'iac-unmanaged',
          collapsible: 'none',
          guestId: g.id,
          node: g.node,
        }),
      );
    }
  }
}
