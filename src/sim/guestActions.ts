/**
 * Simulated guest actions, each a task: power (start, shutdown, stop, reboot, suspend, resume), clone,
 * convert to template, destroy.
 */
import type { SimGuest } from './state';
import { checkLock, flag, guestOf, guestTask, r, SimError, type Handler } from './handlers';
import { clonedConfig, dhcpLease } from './provisioning';

export const POWER_TASK: Record<string, string> = { start: 'start', shutdown: 'shutdown', stop: 'stop', reboot: 'reboot', suspend: 'suspend', resume: 'resume' };

export function power(type: 'qemu' | 'lxc', action: string): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    if (action !== 'stop' || !flag(ctx.params.skiplock)) checkLock(g);
    const prefix = type === 'qemu' ? 'qm' : 'vz';
    const taskType = g.hastate && (action === 'start' || action === 'stop') ? `ha${action}` : `${prefix}${POWER_TASK[action]}`;
    const kind = type === 'qemu' ? 'VM' : 'CT';
    let exitstatus: string | undefined;
    let next: SimGuest['status'] = g.status;
    switch (action) {
      case 'start':
        if (g.template) exitstatus = `${kind} ${g.vmid} is a template, cannot start`;
        else if (g.status !== 'stopped') exitstatus = `${kind} ${g.vmid} already running`;
        next = 'running';
        break;
      case 'shutdown':
      case 'stop':
        next = 'stopped';
        break;
      case 'reboot':
        if (g.status === 'stopped') exitstatus = `${kind} ${g.vmid} not running`;
        next = 'running';
        break;
      case 'suspend':
        if (g.status !== 'running') exitstatus = `${kind} ${g.vmid} not running`;
        next = 'paused';
        break;
      case 'resume':
        if (g.status !== 'paused') exitstatus = `${kind} ${g.vmid} not paused`;
        next = 'running';
        break;
    }
    const t = guestTask(ctx, g, taskType, {
      ...(exitstatus ? { exitstatus } : {}),
      log: action === 'start' ? [`starting ${kind} ${g.vmid}`] : [],
      onSuccess: () => {
        if (next === 'running' && g.status === 'stopped') g.startedAt = Date.now();
        g.status = next;
        if (next === 'stopped') delete g.startedAt;
      },
    });
    return r(t.upid);
  };
}

export function cloneGuest(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const src = guestOf(ctx, type);
    const newid = Number(ctx.params.newid);
    if (ctx.state.guests.has(newid)) throw new SimError(500, `unable to create ${type === 'qemu' ? 'VM' : 'CT'} ${newid}: config file already exists`);
    if (!src.template) checkLock(src);
    const target = ctx.params.target !== undefined ? String(ctx.params.target) : src.node;
    if (!ctx.state.nodes.has(target)) throw new SimError(400, 'Parameter verification failed.', { target: `no such cluster node '${target}'` });
    if (ctx.params.pool !== undefined && !ctx.state.pools.has(String(ctx.params.pool))) throw new SimError(500, `pool '${String(ctx.params.pool)}' does not exist`);
    const name = String(ctx.params[type === 'qemu' ? 'name' : 'hostname'] ?? `Copy-of-VM-${src.name}`);
    const config = clonedConfig(src, newid, ctx.params.storage !== undefined ? String(ctx.params.storage) : undefined, flag(ctx.params.full) || !src.template);
    delete config.template;
    if (type === 'qemu') config.name = name;
    else config.hostname = name;
    // The new guest exists (locked) while the clone runs, as in PVE.
    const copy: SimGuest = {
      ...src,
      vmid: newid,
      node: target,
      name,
      status: 'stopped',
      template: false,
      tags: [...src.tags.filter((t) => t !== 'template')],
      config,
      snapshots: [],
      ips: [dhcpLease(newid)],
      lock: 'create',
      ...(ctx.params.pool !== undefined ? { pool: String(ctx.params.pool) } : {}),
    };
    delete copy.startedAt;
    delete copy.hastate;
    ctx.state.addGuest(copy);
    const t = guestTask(ctx, src, type === 'qemu' ? 'qmclone' : 'vzclone', {
      ...(src.template ? {} : { lock: 'clone' }),
      log: [`create ${flag(ctx.params.full) || !src.template ? 'full' : 'linked'} clone of drive scsi0`],
      onSuccess: () => {
        delete copy.lock;
      },
    });
    const onEnd = t.onEnd;
    t.onEnd = () => {
      onEnd?.();
      // A failed clone leaves nothing behind.
      if (!(t.exitstatus === 'OK' || t.exitstatus.startsWith('WARNINGS'))) ctx.state.guests.delete(newid);
    };
    return r(t.upid);
  };
}

export function makeTemplate(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    if (g.status !== 'stopped') throw new SimError(500, `${type === 'qemu' ? 'VM' : 'CT'} ${g.vmid} is running - cannot convert to template`);
    if (type === 'lxc') {
      g.template = true;
      g.config.template = 1;
      return r(null);
    }
    const t = guestTask(ctx, g, 'qmtemplate', {
      lock: 'create',
      onSuccess: () => {
        g.template = true;
        g.config.template = 1;
      },
    });
    return r(t.upid);
  };
}

export function destroy(type: 'qemu' | 'lxc'): Handler {
  return (ctx) => {
    const g = guestOf(ctx, type);
    checkLock(g);
    if (g.status !== 'stopped') throw new SimError(500, `${type === 'qemu' ? 'VM' : 'CT'} ${g.vmid} is running - destroy failed`);
    const t = guestTask(ctx, g, type === 'qemu' ? 'qmdestroy' : 'vzdestroy', {
      lock: 'destroyed',
      onSuccess: () => {
        ctx.state.guests.delete(g.vmid);
      },
    });
    return r(t.upid);
  };
}
