import type { DeclaredGuest } from '../iac/types';
import type { Guest } from '../pve/types';

/**
 * IaC correlation: which live guests the workspace's IaC files declare, which declarations have no guest
 * ("missing") and which guests nothing declares ("unmanaged"). A declaration matches by VMID when it has
 * one, else by name — a VMID is the stronger identity, and names repeat across clusters.
 */
export interface Correlation {
  /** Declarations per guest id (`qemu/100`); a guest absent here is unmanaged. */
  readonly declaredBy: ReadonlyMap<string, readonly DeclaredGuest[]>;
  /** Declarations that match no live guest. */
  readonly missing: readonly DeclaredGuest[];
  /** Live guests nothing declares, in the order given. */
  readonly unmanaged: readonly Guest[];
}

export function correlate(guests: readonly Guest[], declared: readonly DeclaredGuest[]): Correlation {
  const byVmid = new Map<number, Guest>();
  const byName = new Map<string, Guest[]>();
  for (const g of guests) {
    byVmid.set(g.vmid, g);
    if (g.name) {
      const list = byName.get(g.name);
      if (list) list.push(g);
      else byName.set(g.name, [g]);
    }
  }
  const declaredBy = new Map<string, DeclaredGuest[]>();
  const missing: DeclaredGuest[] = [];
  for (const d of declared) {
    let matches: readonly Guest[] = [];
    if (d.vmid !== undefined) {
      const g = byVmid.get(d.vmid);
      if (g) matches = [g];
    } else {
      matches = byName.get(d.name) ?? [];
    }
    if (matches.length === 0) {
      missing.push(d);
      continue;
    }
    for (const g of matches) {
      const list = declaredBy.get(g.id);
      if (list) list.push(d);
      else declaredBy.set(g.id, [d]);
    }
  }
  const unmanaged = guests.filter((g) => !declaredBy.has(g.id));
  return { declaredBy, missing, unmanaged };
}

/** Why a guest must not be modified, or undefined when it may be. */
export interface ReadonlyReason {
  /** Where the flag is set: `hosts.nix:42`, or the setting's name. */
  readonly source: string;
}

export const READONLY_SETTING = 'proxmoxIac.readonlyVmids';

export function readonlyReason(
  vmid: number,
  declarations: readonly DeclaredGuest[] | undefined,
  readonlyVmids: readonly number[],
): ReadonlyReason | undefined {
  const flagged = declarations?.find((d) => d.readonly);
  if (flagged) return { source: flagged.readonlySource ?? flagged.file };
  if (readonlyVmids.includes(vmid)) return { source: `the setting ${READONLY_SETTING}` };
  return undefined;
}

/** The sentence shown when a mutating action meets a read-only guest. */
export function readonlyMessage(guest: Pick<Guest, 'vmid' | 'name'>, action: string, reason: ReadonlyReason): string {
  const who = guest.name ? `${guest.name} (VMID ${guest.vmid})` : `VMID ${guest.vmid}`;
  return `${who} is read-only (set in ${reason.source}), so "${action}" was not run. Remove the read-only flag there to allow changes.`;
}
