/**
 * Simulated guest configuration (GET/PUT/POST config with digests), snapshots, and console proxies.
 */
import { randomBytes } from 'node:crypto';
import type { SimGuest } from './state';
import type { Value } from './validate';
import { checkLock, flag, guestOf, guestTask, nowSec, r, SimError, type Handler, type HandlerContext, type HandlerResult } from './handlers';

export function getConfig(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    const cfg: Record<string, unknown> = { ...g.config };
    if (g.lock) cfg.lock = g.lock;
    return r(cfg);
  };
}

const CONFIG_META = new Set(['node', 'vmid', 'delete', 'digest', 'skiplock', 'background_delay', 'revert', 'force']);

function applyConfig(g: SimGuest, params: Record<string, Value>): void {
  for (const [k, v] of Object.entries(params)) {
    if (CONFIG_META.has(k)) continue;
    g.config[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (k === 'name' || k === 'hostname') g.name = String(v);
    if (k === 'tags') g.tags = String(v).split(/[;, ]+/).filter(Boolean);
    if (k === 'agent') g.agent = /^(1|enabled=1)/.test(String(v)) ? (g.agent === 'none' ? 'running' : g.agent) : 'none';
    if (k === 'cores') g.maxcpu = Number(v);
    if (k === 'memory') g.maxmem = parseInt(String(v).replace(/^current=/, ''), 10) * 1024 ** 2;
  }
  if (typeof params.delete === 'string') {
    for (const k of params.delete.split(/[,; ]+/).filter(Boolean)) {
      delete g.config[k];
      if (k === 'tags') g.tags = [];
      if (k === 'agent') g.agent = 'none';
    }
  }
}

function checkDigest(g: SimGuest, params: Record<string, Value>): void {
  if (params.digest !== undefined && params.digest !== g.config.digest) {
    throw new SimError(500, 'detected modified configuration - file changed by other user? Try again.');
  }
}

function bumpDigest(g: SimGuest): void {
  g.config.digest = randomBytes(20).toString('hex');
}

export function putConfig(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (!flag(ctx.params.skiplock)) checkLock(g);
    checkDigest(g, ctx.params);
    applyConfig(g, ctx.params);
    bumpDigest(g);
    return r(null);
  };
}

export function postConfig(ctx: HandlerContext): HandlerResult {
  const g = guestOf(ctx, 'qemu');
  if (!flag(ctx.params.skiplock)) checkLock(g);
  checkDigest(g, ctx.params);
  const t = guestTask(ctx, g, 'qmconfig', {
    onSuccess: () => {
      applyConfig(g, ctx.params);
      bumpDigest(g);
    },
  });
  return r(t.upid);
}

export function listSnapshots(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    const rows: Record<string, unknown>[] = g.snapshots.map((s) => ({
      name: s.name,
      snaptime: s.snaptime,
      description: s.description ?? '',
      ...(s.parent ? { parent: s.parent } : {}),
      ...(type === 'qemu' ? { vmstate: s.vmstate ? 1 : 0 } : {}),
    }));
    const last = g.snapshots[g.snapshots.length - 1];
    rows.push({ name: 'current', description: 'You are here!', digest: g.config.digest, ...(last ? { parent: last.name } : {}), ...(type === 'qemu' ? { running: g.status === 'running' ? 1 : 0 } : {}) });
    return r(rows);
  };
}

export function createSnapshot(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    const name = String(ctx.params.snapname);
    if (name === 'current') throw new SimError(400, 'Parameter verification failed.', { snapname: "invalid configuration ID 'current'" });
    if (g.snapshots.some((s) => s.name === name)) throw new SimError(500, `snapshot name '${name}' already used`);
    const parent = g.snapshots[g.snapshots.length - 1]?.name;
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmsnapshot' : 'vzsnapshot', {
      lock: 'snapshot',
      log: [`snapshotting 'drive-scsi0' (local-zfs:vm-${g.vmid}-disk-0)`],
      onSuccess: () => {
        g.snapshots.push({
          name,
          snaptime: nowSec(),
          vmstate: flag(ctx.params.vmstate),
          ...(ctx.params.description !== undefined ? { description: String(ctx.params.description) } : {}),
          ...(parent ? { parent } : {}),
        });
      },
    });
    return r(t.upid);
  };
}

function findSnapshot(g: SimGuest, name: string): void {
  if (!g.snapshots.some((s) => s.name === name)) throw new SimError(500, `snapshot '${name}' does not exist`);
}

export function rollbackSnapshot(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    const name = String(ctx.params.snapname);
    findSnapshot(g, name);
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmrollback' : 'vzrollback', {
      lock: 'rollback',
      onSuccess: () => {
        g.status = flag(ctx.params.start) ? 'running' : 'stopped';
      },
    });
    return r(t.upid);
  };
}

export function deleteSnapshot(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (!flag(ctx.params.force)) checkLock(g);
    const name = String(ctx.params.snapname);
    findSnapshot(g, name);
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmdelsnapshot' : 'vzdelsnapshot', {
      lock: 'snapshot-delete',
      onSuccess: () => {
        const idx = g.snapshots.findIndex((s) => s.name === name);
        const removed = g.snapshots[idx];
        g.snapshots.splice(idx, 1);
        for (const s of g.snapshots) if (s.parent === name) s.parent = removed?.parent;
      },
    });
    return r(t.upid);
  };
}

export function consoleProxy(type: 'qemu' | 'lxc', kind: 'vncproxy' | 'termproxy'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (type === 'qemu' && g.status !== 'running' && kind === 'vncproxy') throw new SimError(500, `VM ${g.vmid} not running`);
    const t = ctx.state.startTask({ node: g.node, type: kind, id: String(g.vmid), user: ctx.principal.user, ...(ctx.principal.tokenid ? { tokenid: ctx.principal.tokenid } : {}), durationMs: 10_000, log: [] });
    const d: Record<string, unknown> = { port: 5900 + (g.vmid % 100), ticket: `PVEVNC:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}::${randomBytes(32).toString('base64')}`, user: ctx.principal.tokenid ?? ctx.principal.user, upid: t.upid };
    if (kind === 'vncproxy') d.cert = '-----BEGIN CERTIFICATE-----\n(simulated)\n-----END CERTIFICATE-----\n';
    return r(d);
  };
}
