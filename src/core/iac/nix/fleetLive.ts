/**
 * hosts.nix names checked against the connected cluster: `_proxmox.node`, `_proxmox.defaultStorage`, each
 * host's `proxmox.storage` and each host's `proxmox.bridge`. Warnings, not errors: the file may target another cluster than the one connected,
 * and tofu is what finally fails. Each message names what exists, and a close name is offered as the fix.
 */
import { closest } from '../levenshtein';
import type { LiveInventory } from '../types';
import { isObj, type Obj } from './fleet';
import type { Checker } from './fleetChecker';

const LIST_MAX = 8;

export function checkAgainstLive(c: Checker, value: Obj, live: LiveInventory): void {
  const settings = isObj(value['_proxmox']) ? value['_proxmox'] : undefined;
  const node = typeof settings?.['node'] === 'string' ? settings['node'] : undefined;
  const nodes = live.nodes ?? [];
  const nodeKnown = node !== undefined && nodes.includes(node);
  if (node !== undefined && node.trim() !== '' && nodes.length && !nodeKnown) {
    const near = closest(node, nodes);
    c.report(['_proxmox', 'node'], 'value', 'warning', 'nix-live-node', `_proxmox: node '${node}' is not a node of the connected cluster (${listed(nodes)}).${near ? ` Did you mean '${near}'?` : ''}`, near && nixString(near));
  }
  checkBridges(c, value, live, nodeKnown ? node : undefined);
  if (!live.storages?.length) return;
  // Storages of the file's node when the cluster has it, else of any node.
  const pool = live.storages.filter((s) => !nodeKnown || s.node === node);
  const ids = [...new Set(pool.map((s) => s.storage))];
  const where = nodeKnown ? `on node ${node}` : 'in the connected cluster';
  const check = (path: readonly string[], owner: string, storage: unknown): void => {
    if (typeof storage !== 'string' || storage.trim() === '' || ids.includes(storage)) return;
    const near = closest(storage, ids);
    c.report(path, 'value', 'warning', 'nix-live-storage', `${owner}: storage '${storage}' does not exist ${where} (${listed(ids)}).${near ? ` Did you mean '${near}'?` : ''}`, near && nixString(near));
  };
  check(['_proxmox', 'defaultStorage'], '_proxmox', settings?.['defaultStorage']);
  for (const [key, host] of Object.entries(value)) {
    if (key.startsWith('_') || !isObj(host) || !isObj(host['proxmox'])) continue;
    check([key, 'proxmox', 'storage'], `Host ${key}`, host['proxmox']['storage']);
  }
}

/** Each host's `proxmox.bridge` against the bridges of the file's node (of every node read when it is unknown). */
function checkBridges(c: Checker, value: Obj, live: LiveInventory, node: string | undefined): void {
  const byNode = live.bridges ?? {};
  // A node whose network was not read (or that lists no bridge: a token may see none) says nothing.
  const lists = node !== undefined ? [byNode[node] ?? []] : Object.values(byNode);
  const names = [...new Set(lists.flat())];
  if (!names.length) return;
  const where = node !== undefined ? `on node ${node}` : 'in the connected cluster';
  for (const [key, host] of Object.entries(value)) {
    if (key.startsWith('_') || !isObj(host) || !isObj(host['proxmox'])) continue;
    const bridge = host['proxmox']['bridge'];
    if (typeof bridge !== 'string' || bridge.trim() === '' || names.includes(bridge)) continue;
    const near = closest(bridge, names);
    c.report([key, 'proxmox', 'bridge'], 'value', 'warning', 'nix-live-bridge', `Host ${key}: bridge '${bridge}' does not exist ${where} (${listed(names)}).${near ? ` Did you mean '${near}'?` : ''}`, near && nixString(near));
  }
}

function listed(names: readonly string[]): string {
  if (!names.length) return 'it has none';
  const shown = names.slice(0, LIST_MAX).join(', ');
  return names.length > LIST_MAX ? `it has ${shown} and ${names.length - LIST_MAX} more` : `it has ${shown}`;
}

/** A Nix string literal for a node, storage or bridge name (those are plain [A-Za-z0-9._-] names). */
function nixString(name: string): string {
  return `"${name.replace(/[\\"$]/g, (ch) => `\\${ch}`)}"`;
}
