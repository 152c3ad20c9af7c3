import type { DeclaredGuest } from '../../../src/core/iac/types';
import type { ClusterSnapshot, Guest, PveNode, Storage } from '../../../src/core/pve/types';

export function guest(vmid: number, over: Partial<Guest> = {}): Guest {
  const type = over.type ?? 'qemu';
  return {
    id: `${type}/${vmid}`,
    type,
    vmid,
    name: `vm${vmid}`,
    node: 'pve1',
    status: 'running',
    template: false,
    tags: [],
    cpu: 0.12,
    maxcpu: 2,
    mem: 1.5 * 1024 ** 3,
    maxmem: 4 * 1024 ** 3,
    disk: 0,
    maxdisk: 32 * 1024 ** 3,
    uptime: 3600,
    ...over,
  };
}

export function node(name: string, over: Partial<PveNode> = {}): PveNode {
  return { id: `node/${name}`, node: name, status: 'online', cpu: 0.05, maxcpu: 8, mem: 8 * 1024 ** 3, maxmem: 32 * 1024 ** 3, uptime: 99999, ...over };
}

export function storage(nodeName: string, name: string): Storage {
  return { id: `storage/${nodeName}/${name}`, storage: name, node: nodeName, status: 'available', content: ['images'], shared: false, disk: 10 * 1024 ** 3, maxdisk: 100 * 1024 ** 3 };
}

export function snapshot(guests: Guest[], nodes = ['pve1', 'pve2'], storages: Storage[] = []): ClusterSnapshot {
  return { nodes: nodes.map((n) => node(n)), guests, storages, pools: [] };
}

export function declared(name: string, over: Partial<DeclaredGuest> = {}): DeclaredGuest {
  return {
    name,
    format: 'hosts-nix',
    file: '/ws/hosts.nix',
    range: { start: { line: 9, character: 2 }, end: { line: 9, character: 2 + name.length } },
    readonly: false,
    ...over,
  };
}
