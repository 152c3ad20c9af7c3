/**
 * Disk volume names across clones, as PVE writes them: a template's disks are base volumes
 * (`base-9002-disk-0`); a linked clone's disks name that base first (`base-9002-disk-0/vm-116-disk-0`); a
 * full clone gets volumes of its own (`vm-116-disk-0`). The guest-agent board groups clones by this.
 */
const DISK_KEY = /^(?:scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/;

export function renameClonedDisks(config: Record<string, string | number>, src: { vmid: number; template: boolean }, newid: number, full: boolean): void {
  for (const [k, v] of Object.entries(config)) {
    if (!DISK_KEY.test(k) || typeof v !== 'string' || /media=cdrom/.test(v)) continue;
    config[k] = v.replace(new RegExp(`(?:base-${src.vmid}-disk-(\\d+)/)?(?:vm|base)-${src.vmid}-disk-(\\d+)`), (_m, _b: string | undefined, n: string) =>
      src.template && !full ? `base-${src.vmid}-disk-${n}/vm-${newid}-disk-${n}` : `vm-${newid}-disk-${n}`,
    );
  }
}
