/**
 * What provisioning needs of the simulator beyond the explorer's endpoints: disk resize (a `resize` task that
 * grows the volume and refuses to shrink, as qemu-server does), clones whose disks are their own volumes on
 * the chosen storage with a fresh MAC and DHCP lease, and a guest agent that reports the address cloud-init
 * configured (`ipconfig0: ip=…/24`) or the DHCP lease. Start failures for tests use
 * `SimState.injectTaskFailure({ type: 'qmstart', vmid })`.
 */
import type { Handler, HandlerContext, HandlerResult } from './handlers';
import { SimError } from './handlers';
import type { SimGuest } from './state';

const DISK_KEY = /^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/;

function bytesOf(size: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(size);
  if (!m) return undefined;
  return Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
}

function gib(bytes: number): string {
  const g = bytes / 1024 ** 3;
  return Number.isInteger(g) ? `${g}G` : `${Math.round(bytes / 1024 ** 2)}M`;
}

/** A clone's own volumes: `vm-NEWID-…` on the target storage (full) or the template's base (linked). */
export function clonedConfig(src: SimGuest, newid: number, storage: string | undefined, full: boolean): Record<string, string | number> {
  const config: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(src.config)) {
    if (DISK_KEY.test(k) && typeof v === 'string' && (!/media=cdrom/.test(v) || /cloudinit/.test(v))) {
      const [vol = '', ...opts] = String(v).split(',');
      const [store = 'local-zfs', volname = ''] = vol.split(':');
      const renamed = volname.replace(/(vm|base|subvol)-\d+-/, `vm-${newid}-`);
      const target = full && storage && !/cloudinit/.test(volname) ? storage : store;
      // A linked clone's disk names its template's base volume, as `base-<template>-disk-<n>/vm-<new>-disk-<n>`.
      const base = /(?:^|\/)(base-\d+-disk-\d+)$/.exec(volname)?.[1] ?? volname.replace(/^(?:vm|base)-(\d+)-disk-(\d+)$/, 'base-$1-disk-$2');
      const linked = !full && src.template && !/cloudinit/.test(volname) && /^base-\d+-disk-\d+$/.test(base);
      config[k] = [`${target}:${linked ? `${base}/` : ''}${renamed.replace(/^.*\//, '')}`, ...opts].join(',');
    } else config[k] = v;
  }
  const mac = `BC:24:11:${[newid >> 16, newid >> 8, newid].map((b) => (b & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
  if (typeof config.net0 === 'string') config.net0 = config.net0.replace(/=([0-9A-F]{2}:){5}[0-9A-F]{2}/i, `=${mac}`);
  return config;
}

/** The DHCP lease a new guest gets. */
export function dhcpLease(vmid: number): string {
  return `10.0.${Math.floor(vmid / 250) % 250}.${(vmid % 250) + 2}`;
}

/** What the agent reports as the guest's IPv4: the static cloud-init address, else the lease. */
export function agentAddress(g: SimGuest): string {
  const m = /(?:^|,)ip=(\d+\.\d+\.\d+\.\d+)\//.exec(String(g.config.ipconfig0 ?? ''));
  return m?.[1] ?? g.ips?.[0] ?? dhcpLease(g.vmid);
}

function resize(ctx: HandlerContext, guestOf: (ctx: HandlerContext) => SimGuest): HandlerResult {
  const g = guestOf(ctx);
  if (g.lock) throw new SimError(500, `VM is locked (${g.lock})`);
  const disk = String(ctx.params.disk);
  const current = g.config[disk];
  if (typeof current !== 'string') throw new SimError(500, `disk '${disk}' does not exist`);
  const oldBytes = bytesOf(/(?:^|,)size=([^,]+)/.exec(current)?.[1] ?? '0') ?? 0;
  const spec = String(ctx.params.size);
  const add = spec.startsWith('+');
  const n = bytesOf(add ? spec.slice(1) : spec);
  if (n === undefined) throw new SimError(400, 'Parameter verification failed.', { size: `value does not match the regex pattern` });
  const newBytes = add ? oldBytes + n : n;
  if (newBytes < oldBytes) throw new SimError(500, `shrinking disks is not supported`);
  const t = ctx.state.startTask({
    node: g.node,
    type: 'resize',
    id: String(g.vmid),
    user: ctx.principal.user,
    ...(ctx.principal.tokenid ? { tokenid: ctx.principal.tokenid } : {}),
    log: [`  Logical volume "vm-${g.vmid}-disk-0" successfully resized.`],
    onSuccess: () => {
      g.config[disk] = /(?:^|,)size=/.test(current) ? current.replace(/size=[^,]+/, `size=${gib(newBytes)}`) : `${current},size=${gib(newBytes)}`;
      if (disk.startsWith('scsi0') || disk.startsWith('virtio0')) g.maxdisk = newBytes;
    },
  });
  return { data: t.upid };
}

/** Registers the provisioning endpoints; `guestOf` is handlers.ts' lookup (same errors for a missing guest). */
export function addProvisioningHandlers(h: Map<string, Handler>, guestOf: (ctx: HandlerContext) => SimGuest): void {
  h.set('PUT /nodes/{node}/qemu/{vmid}/resize', (ctx) => resize(ctx, guestOf));
}
