/**
 * What a QEMU config says about the agent and the template a guest came from. Pure.
 */

/**
 * The `agent` property: `1`, `enabled=1,fstrim_cloned_disks=1`, `0`, `enabled=0,type=isa`. The first
 * unnamed value is `enabled` (PVE's property-string default key).
 */
export function agentEnabledInConfig(config: Readonly<Record<string, unknown>>): boolean {
  const v = config.agent;
  if (v === undefined || v === null) return false;
  if (typeof v === 'number' || typeof v === 'boolean') return Boolean(v);
  if (typeof v !== 'string') return false;
  for (const part of v.split(',')) {
    const [k, val] = part.includes('=') ? part.split('=', 2) : ['enabled', part];
    if (k.trim() === 'enabled') return /^(1|yes|on|true)$/i.test(val.trim());
  }
  return false;
}

const DISK_KEY = /^(?:scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/;

/**
 * The template a linked clone was made from: its disks name the template's base volume,
 * `local-zfs:base-9002-disk-0/vm-113-disk-0`. Full clones keep no trace of their template.
 */
export function linkedCloneTemplate(config: Readonly<Record<string, unknown>>): number | undefined {
  for (const [k, v] of Object.entries(config)) {
    if (!DISK_KEY.test(k) || typeof v !== 'string') continue;
    const m = /(?:^|[:/])base-(\d+)-disk-\d+\//.exec(v.split(',')[0]);
    if (m) return Number(m[1]);
  }
  return undefined;
}
