import { DEFAULT_EXPAND_UP_TO, type GroupBy, type SortBy, type TreeOptions } from '../../core/explorer';
import type { Config } from '../util/config';

/**
 * Every refresh that changes a listed parent's rows makes VS Code read its whole page again (each row's tree
 * item, sent to the window), so a page is what one node costs per refresh: 250 rows are ten screens.
 */
export const DEFAULT_PAGE_SIZE = 250;

/** How many children a parent shows before a "Show more" row (`proxmoxIac.explorer.pageSize`). */
export function pageSizeOf(config: Config): number {
  const n = config.get<number>('explorer.pageSize', DEFAULT_PAGE_SIZE);
  return Number.isInteger(n) && n >= 10 ? n : DEFAULT_PAGE_SIZE;
}

/** The tree's shape from the settings; unknown values fall back to the defaults. */
export function treeOptionsOf(config: Config): TreeOptions {
  const groupBy = config.get<string>('explorer.groupBy', 'node');
  const sortBy = config.get<string>('explorer.sortBy', 'vmid');
  const label = config.get<string>('explorer.label', 'name');
  return {
    groupBy: (['node', 'tag', 'pool', 'type'].includes(groupBy) ? groupBy : 'node') as GroupBy,
    sortBy: (['vmid', 'name', 'status'].includes(sortBy) ? sortBy : 'vmid') as SortBy,
    label: label === 'vmid-name' ? 'vmid-name' : 'name',
    showStorage: config.get<boolean>('explorer.showStorage', true),
    // Above 1,000 guests, nodes and groups start collapsed.
    expandUpTo: DEFAULT_EXPAND_UP_TO,
  };
}

export function readonlyVmidsOf(config: Config): number[] {
  return config.get<unknown[]>('readonlyVmids', []).filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
}
