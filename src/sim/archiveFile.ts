/**
 * `qmrestore /path/to/vzdump-qemu-….vma.zst VMID` and POST /nodes/{node}/qemu with `archive` set to a file
 * path (the API's "file system path to a .tar or .vma file"): the simulator stands for a node whose file system
 * is this machine's, so the archive must exist here. A real archive carries the guest's configuration; the
 * simulator does not unpack it and restores a small NixOS-like VM named after the file instead.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { SimError } from './handlers';
import type { SimBackup } from './state';

const VMA = /\.vma(\.(zst|gz|lzo))?$/;

/** The guest name a restore of `file` gets: the file name without `vzdump-qemu-` and the archive suffix. */
export function archiveGuestName(file: string): string {
  const stem = basename(file).replace(VMA, '').replace(/^vzdump-qemu-/, '');
  const name = stem.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60);
  return name || 'restored';
}

/** What restoring the archive file `path` brings back, as the backup record the restore handler expects. */
export function backupOfArchiveFile(path: string, node: string, vmid: number, storage = 'local-lvm'): SimBackup {
  if (!VMA.test(path)) throw new SimError(500, `unable to restore VM ${vmid} - unknown archive format of '${path}' (expected .vma, .vma.zst, .vma.gz or .vma.lzo)`);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new SimError(500, `unable to restore VM ${vmid} - archive '${path}' does not exist`);
  }
  const format = path.slice(path.search(VMA) + 1);
  return {
    volid: path,
    storage: '',
    node,
    vmid,
    subtype: 'qemu',
    ctime: Math.floor(Date.now() / 1000),
    size,
    format,
    protected: false,
    source: {
      name: archiveGuestName(path),
      type: 'qemu',
      template: false,
      tags: [],
      agent: 'none',
      maxcpu: 1,
      maxmem: 1024 * 1024 * 1024,
      maxdisk: 8 * 1024 * 1024 * 1024,
      config: {
        name: archiveGuestName(path),
        memory: 1024,
        cores: 1,
        ostype: 'l26',
        scsihw: 'virtio-scsi-single',
        scsi0: `${storage}:vm-${vmid}-disk-0,size=8G`,
        net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0',
        boot: 'order=scsi0',
        agent: 1,
      },
    },
  };
}
