/** API paths and form bodies built from names: every path segment checked, every value encoded as PVE expects. */
import type { GuestRef } from './api';
import { InvalidPathSegmentError } from './errors';
import { isVmid } from './fields';

export type Params = Record<string, string | number | boolean | undefined>;

/** Form encoding PVE accepts: booleans as 0/1 ('true' is rejected), `%20` for spaces. */
export function encodeForm(params: Params): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    const s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.join('&');
}

/**
 * One API path segment from a name. `.`, `..` and the empty string survive encodeURIComponent and are then
 * collapsed by URL parsing: deleting a snapshot named `..` would send `DELETE /nodes/n/qemu/111` and destroy
 * the VM. They are refused here, before anything is sent.
 */
export function seg(value: string | number, what: string): string {
  const s = String(value);
  if (s === '' || s === '.' || s === '..') throw new InvalidPathSegmentError(s, what);
  return encodeURIComponent(s);
}

export function guestPath(ref: GuestRef): string {
  if (ref.type !== 'qemu' && ref.type !== 'lxc') throw new InvalidPathSegmentError(String(ref.type), 'guest type');
  if (!isVmid(ref.vmid)) throw new InvalidPathSegmentError(String(ref.vmid), 'VMID');
  return `/nodes/${seg(ref.node, 'node name')}/${ref.type}/${ref.vmid}`;
}
