/**
 * What is already used, gathered from the same sources the validator uses: live guests, the guests the IaC
 * files declare (with hosts.nix `readonly` and definitions.nix imported as read-only), the
 * `proxmoxIac.readonlyVmids` setting and the `proxmoxIac.validation.vmidRanges` setting.
 */
import { basename } from 'node:path';
import type { DeclaredGuest } from '../iac/types';
import type { TakenIds } from './answers';

export function takenIds(input: {
  readonly live: readonly { readonly vmid: number; readonly name: string; readonly node: string }[];
  readonly declared?: readonly DeclaredGuest[];
  readonly readonlyVmids?: readonly number[];
  readonly ranges?: readonly (readonly [number, number])[];
}): TakenIds {
  const live = new Map<number, { name: string; node: string }>();
  const names = new Map<string, string>();
  for (const g of input.live) {
    live.set(g.vmid, { name: g.name, node: g.node });
    if (g.name) names.set(g.name.toLowerCase(), `VM ${g.vmid} on node ${g.node}`);
  }
  const declared = new Map<number, string>();
  const readonly = new Map<number, string>();
  for (const v of input.readonlyVmids ?? []) readonly.set(v, 'the setting proxmoxIac.readonlyVmids');
  for (const d of input.declared ?? []) {
    const where = `${basename(d.file)}:${d.range.start.line + 1} ("${d.name}")`;
    if (d.vmid !== undefined) {
      declared.set(d.vmid, where);
      if (d.readonly) readonly.set(d.vmid, `declared read-only in ${d.readonlySource ?? where}`);
    }
    if (!names.has(d.name.toLowerCase())) names.set(d.name.toLowerCase(), where);
  }
  return { live, declared, readonly, names, ranges: input.ranges ?? [] };
}
