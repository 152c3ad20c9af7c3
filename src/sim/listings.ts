/**
 * Simulated listings: /cluster/resources, nodes, guest lists and status, storages, the next free VMID, pools.
 */
import type { SimGuest } from './state';
import { guestOf, r, requireNode, SimError, type Handler, type HandlerContext, type HandlerResult } from './handlers';

// ---- rows -----------------------------------------------------------------------------------------------

function guestFigures(g: SimGuest): { cpu: number; mem: number; uptime: number; disk: number; netin: number; netout: number; diskread: number; diskwrite: number } {
  // A paused VM's QEMU process lives on: it keeps its memory and its uptime, and uses no CPU.
  const alive = g.status !== 'stopped';
  const running = g.status === 'running';
  const uptime = alive && g.startedAt ? Math.floor((Date.now() - g.startedAt) / 1000) : 0;
  return {
    cpu: running ? Math.round(g.load * 0.2 * 1e6) / 1e6 : 0,
    mem: alive ? Math.floor(g.maxmem * g.load) : 0,
    uptime,
    disk: g.type === 'lxc' ? Math.floor(g.maxdisk * 0.3) : 0,
    netin: alive ? uptime * 1000 : 0,
    netout: alive ? uptime * 700 : 0,
    diskread: alive ? uptime * 4000 : 0,
    diskwrite: alive ? uptime * 2500 : 0,
  };
}

export function resourceRow(g: SimGuest): Record<string, unknown> {
  const f = guestFigures(g);
  const values: Record<string, unknown> = {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    name: g.name,
    node: g.node,
    // pvestatd records a running VM's QMP run state (qmpstatus) as its status, so a suspended VM is `paused`
    // here, while status/current says `running` with qmpstatus `paused`.
    status: g.status,
    template: g.template ? 1 : 0,
    tags: g.tags.length ? g.tags.join(';') : undefined,
    pool: g.pool,
    lock: g.lock,
    hastate: g.hastate,
    cpu: f.cpu,
    maxcpu: g.maxcpu,
    mem: f.mem,
    maxmem: g.maxmem,
    disk: f.disk,
    maxdisk: g.maxdisk,
    netin: f.netin,
    netout: f.netout,
    diskread: f.diskread,
    diskwrite: f.diskwrite,
    uptime: f.uptime,
  };
  // Real PVE emits keys in Perl hash order; the seed gave each guest its own order.
  const row: Record<string, unknown> = {};
  for (const k of g.keyOrder ?? Object.keys(values)) if (values[k] !== undefined) row[k] = values[k];
  return row;
}

export function clusterResources(ctx: HandlerContext): HandlerResult {
  const { state, principal } = ctx;
  const type = ctx.params.type as string | undefined;
  const rows: Record<string, unknown>[] = [];
  if (type === undefined || type === 'vm') {
    for (const g of state.guests.values()) if (principal.can(`/vms/${g.vmid}`, 'VM.Audit')) rows.push(resourceRow(g));
  }
  if (type === undefined || type === 'node') {
    for (const n of state.nodes.values()) {
      // Node rows always appear; their figures only with Sys.Audit.
      const row: Record<string, unknown> = { id: `node/${n.node}`, type: 'node', node: n.node, status: n.status, level: '' };
      if (principal.can(`/nodes/${n.node}`, 'Sys.Audit') && n.status === 'online') {
        const guests = [...state.guests.values()].filter((g) => g.node === n.node && g.status === 'running');
        Object.assign(row, {
          cpu: Math.min(1, guests.length * 0.01),
          maxcpu: n.maxcpu,
          mem: Math.min(n.maxmem, 4 * 1024 ** 3 + guests.reduce((s, g) => s + Math.floor(g.maxmem * g.load), 0)),
          maxmem: n.maxmem,
          disk: Math.floor(n.maxdisk * 0.02),
          maxdisk: n.maxdisk,
          uptime: n.uptime,
          'cgroup-mode': 2,
        });
      }
      rows.push(row);
    }
  }
  if (type === undefined || type === 'storage') {
    for (const s of state.storages) {
      if (!principal.can(`/storage/${s.storage}`, 'Datastore.Audit')) continue;
      rows.push({ id: `storage/${s.node}/${s.storage}`, type: 'storage', storage: s.storage, node: s.node, status: 'available', plugintype: s.plugintype, content: s.content, shared: s.shared ? 1 : 0, disk: s.disk, maxdisk: s.maxdisk });
    }
  }
  if (type === undefined) {
    for (const p of state.pools.keys()) if (principal.can(`/pool/${p}`, 'Pool.Audit')) rows.push({ id: `/pool/${p}`, type: 'pool', pool: p });
  }
  return r(rows);
}

export function nodesList(ctx: HandlerContext): HandlerResult {
  return r(
    [...ctx.state.nodes.values()].map((n) => {
      const row: Record<string, unknown> = { node: n.node, status: n.status, level: '', id: `node/${n.node}`, type: 'node', ssl_fingerprint: n.sslFingerprint };
      if (ctx.principal.can(`/nodes/${n.node}`, 'Sys.Audit')) Object.assign(row, { maxcpu: n.maxcpu, maxmem: n.maxmem, mem: Math.floor(n.maxmem * 0.3), cpu: 0.02, uptime: n.uptime, maxdisk: n.maxdisk, disk: Math.floor(n.maxdisk * 0.02) });
      return row;
    }),
  );
}


/** The figures both the guest lists and `status/current` report (a paused VM is `running` with qmpstatus `paused`). */
function guestStatusFields(g: Parameters<typeof guestFigures>[0]): Record<string, unknown> {
  const f = guestFigures(g);
  return {
    vmid: g.vmid,
    name: g.name,
    status: g.status === 'paused' ? 'running' : g.status,
    cpus: g.maxcpu,
    cpu: f.cpu,
    mem: f.mem,
    maxmem: g.maxmem,
    disk: f.disk,
    maxdisk: g.maxdisk,
    uptime: f.uptime,
    netin: f.netin,
    netout: f.netout,
    diskread: f.diskread,
    diskwrite: f.diskwrite,
  };
}

export function guestList(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const node = requireNode(ctx);
    const rows = [];
    for (const g of ctx.state.guests.values()) {
      if (g.node !== node || g.type !== type || !ctx.principal.can(`/vms/${g.vmid}`, 'VM.Audit')) continue;
      // Old PVE sent LXC vmids as strings; 9.x sends integers.
      const row = guestStatusFields(g);
      if (type === 'lxc') row.type = 'lxc';
      if (g.template) row.template = 1;
      if (g.tags.length) row.tags = g.tags.join(';');
      if (g.lock) row.lock = g.lock;
      if (type === 'qemu' && g.status !== 'stopped') row.qmpstatus = g.status;
      rows.push(row);
    }
    return r(rows);
  };
}

export function statusCurrent(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    const d: Record<string, unknown> = {
      ...guestStatusFields(g),
      ha: g.hastate ? { managed: 1, state: g.hastate, group: 'null' } : { managed: 0 },
    };
    if (g.template) d.template = 1;
    if (g.tags.length) d.tags = g.tags.join(';');
    if (g.lock) d.lock = g.lock;
    if (type === 'qemu') {
      d.qmpstatus = g.status;
      if (g.agent !== 'none') d.agent = 1;
      if (g.status !== 'stopped') {
        d.pid = 10_000 + g.vmid;
        d['running-machine'] = 'pc-q35-10.0+pve1';
        d['running-qemu'] = '10.0.2';
      }
    } else {
      d.type = 'lxc';
      d.swap = 0;
      d.maxswap = 512 * 1024 ** 2;
    }
    return r(d);
  };
}


export function storageList(ctx: HandlerContext): HandlerResult {
  const node = requireNode(ctx);
  return r(
    ctx.state.storages
      .filter((s) => s.node === node && (ctx.principal.can(`/storage/${s.storage}`, 'Datastore.Audit') || ctx.principal.can(`/storage/${s.storage}`, 'Datastore.AllocateSpace')))
      .filter((s) => ctx.params.storage === undefined || s.storage === ctx.params.storage)
      .filter((s) => ctx.params.content === undefined || s.content.split(',').includes(String(ctx.params.content)))
      .map((s) => ({ storage: s.storage, type: s.plugintype, content: s.content, active: 1, enabled: 1, shared: s.shared ? 1 : 0, total: s.maxdisk, used: s.disk, avail: s.maxdisk - s.disk, used_fraction: s.disk / s.maxdisk })),
  );
}

/**
 * A node's interfaces, filtered by `type` as PVE does: `any_bridge` / `any_local_bridge` are Linux and OVS
 * bridges (the simulator has no SDN vnets to add). A principal without Sys.Audit on the node sees only the
 * bridges it may use (SDN.Use or SDN.Audit on /sdn/zones/localnetwork/<bridge>).
 */
export function networkList(ctx: HandlerContext): HandlerResult {
  const node = requireNode(ctx);
  const type = ctx.params.type === undefined ? undefined : String(ctx.params.type);
  const audit = ctx.principal.can(`/nodes/${node}`, 'Sys.Audit');
  const usable = (iface: string): boolean => ['SDN.Use', 'SDN.Audit'].some((p) => ctx.principal.can(`/sdn/zones/localnetwork/${iface}`, p));
  const isBridge = (t: string): boolean => t === 'bridge' || t === 'OVSBridge';
  const matches = (t: string): boolean => type === undefined || type === 'include_sdn' || type === t || ((type === 'any_bridge' || type === 'any_local_bridge') && isBridge(t));
  return r(
    ctx.state.nodes
      .get(node)!
      .network.filter((i) => matches(i.type) && (audit || (isBridge(i.type) && usable(i.iface))))
      .map((i, priority) => {
        const row: Record<string, unknown> = { iface: i.iface, type: i.type, active: 1, priority: priority + 3, families: ['inet'], method6: 'manual' };
        if (i.type === 'eth') Object.assign(row, { exists: 1, method: 'manual' });
        else Object.assign(row, { autostart: 1, method: i.cidr ? 'static' : 'manual', bridge_ports: i.ports ?? '', ...(i.vlanAware ? { bridge_vlan_aware: 1, bridge_vids: '2-4094' } : {}) });
        if (i.cidr) {
          const [address, bits] = i.cidr.split('/');
          Object.assign(row, { cidr: i.cidr, address, netmask: bits, ...(i.gateway ? { gateway: i.gateway } : {}) });
        }
        if (i.comments) row.comments = `${i.comments}\n`;
        return row;
      }),
  );
}

export function nextId(ctx: HandlerContext): HandlerResult {
  if (ctx.params.vmid !== undefined) {
    const v = Number(ctx.params.vmid);
    if (ctx.state.guests.has(v)) throw new SimError(400, 'Parameter verification failed.', { vmid: `VM ${v} already exists` });
    // Real PVE answers the requested id as a string too.
    return r(String(v));
  }
  let id = 100;
  while (ctx.state.guests.has(id)) id++;
  // PVE sends a JSON string here although the schema says integer (see samples/cluster-nextid.json).
  return r(String(id));
}

export function pools(ctx: HandlerContext): HandlerResult {
  return r([...ctx.state.pools.keys()].filter((p) => ctx.principal.can(`/pool/${p}`, 'Pool.Audit')).map((poolid) => ({ poolid })));
}
