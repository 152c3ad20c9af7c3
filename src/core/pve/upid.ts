/**
 * Proxmox task IDs (UPIDs), as pve-common's PVE/UPID.pm encodes them:
 * `UPID:node:PID:PSTART:STARTTIME:type:id:user:` — hex upper-case, trailing colon mandatory, PSTART may have
 * 9 hex digits (uptime > 497 days), id may be empty, user may be a token `user@realm!tokenid`.
 */

export interface Upid {
  readonly node: string;
  readonly pid: number;
  readonly pstart: number;
  /** Unix seconds. */
  readonly starttime: number;
  readonly type: string;
  readonly id: string;
  readonly user: string;
}

const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

/** Returns undefined for anything that is not a well-formed UPID. */
export function parseUpid(upid: string): Upid | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  return {
    node: m[1],
    pid: parseInt(m[3], 16),
    pstart: parseInt(m[4], 16),
    starttime: parseInt(m[5], 16),
    type: m[6],
    id: m[7],
    user: m[8],
  };
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

export function formatUpid(u: Upid): string {
  return `UPID:${u.node}:${hex8(u.pid)}:${hex8(u.pstart)}:${hex8(u.starttime)}:${u.type}:${u.id}:${u.user}:`;
}
