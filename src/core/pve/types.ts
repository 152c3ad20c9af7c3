/**
 * The client's model of a Proxmox VE cluster: what the explorer, CLI and provisioning work with.
 * Built from the server's responses at the boundary (see client.ts), so numbers are numbers, 0/1 are
 * booleans and tags are arrays whatever the PVE version sent.
 */

export type GuestType = 'qemu' | 'lxc';

/** PVE guest status as `/cluster/resources` reports it (plus `paused`/`suspended` from status/current qmpstatus). */
export type GuestStatus = 'running' | 'stopped' | 'paused' | 'suspended' | 'unknown';

export interface Guest {
  /** `qemu/100` — unique in a cluster. */
  readonly id: string;
  readonly type: GuestType;
  readonly vmid: number;
  readonly name: string;
  readonly node: string;
  readonly status: GuestStatus;
  readonly template: boolean;
  readonly tags: readonly string[];
  readonly pool?: string;
  /** e.g. `clone`, `backup`, `snapshot`, `migrate` while a task holds the guest. */
  readonly lock?: string;
  /** HA state (`started`, `stopped`, `error` …) when HA manages the guest. */
  readonly hastate?: string;
  /** Fraction of `maxcpu` in use, 0..maxcpu. */
  readonly cpu: number;
  readonly maxcpu: number;
  /** Bytes. */
  readonly mem: number;
  readonly maxmem: number;
  readonly disk: number;
  readonly maxdisk: number;
  /** Seconds. */
  readonly uptime: number;
}

export interface PveNode {
  readonly id: string; // node/pve1
  readonly node: string;
  readonly status: 'online' | 'offline' | 'unknown';
  readonly cpu?: number;
  readonly maxcpu?: number;
  readonly mem?: number;
  readonly maxmem?: number;
  readonly uptime?: number;
  readonly sslFingerprint?: string;
}

export interface Storage {
  readonly id: string; // storage/pve1/local-lvm
  readonly storage: string;
  readonly node: string;
  readonly status: string; // available | unknown …
  readonly content: readonly string[];
  readonly plugintype?: string;
  readonly shared: boolean;
  readonly disk: number;
  readonly maxdisk: number;
}

/** A node's Linux or Open vSwitch bridge (`GET /nodes/{node}/network?type=any_bridge`). */
export interface NodeBridge {
  readonly node: string;
  /** `vmbr0` … */
  readonly iface: string;
  /** `bridge` or `OVSBridge`. */
  readonly type: string;
  readonly active: boolean;
  readonly cidr?: string;
  readonly comments?: string;
}

/** One `/cluster/resources` answer, split by kind. */
export interface ClusterSnapshot {
  readonly nodes: readonly PveNode[];
  readonly guests: readonly Guest[];
  readonly storages: readonly Storage[];
  readonly pools: readonly string[];
}

export interface Snapshot {
  readonly name: string;
  readonly description?: string;
  readonly parent?: string;
  /** Unix seconds; absent on the `current` pseudo-entry, which the client drops. */
  readonly snaptime?: number;
  readonly vmstate: boolean;
}

export interface TaskStatus {
  readonly upid: string;
  readonly node: string;
  readonly type: string;
  readonly id: string;
  readonly user: string;
  readonly status: 'running' | 'stopped';
  /** `OK`, `WARNINGS: n`, or the error text, once stopped. */
  readonly exitstatus?: string;
  readonly starttime: number;
}

export interface TaskResult {
  readonly upid: string;
  readonly ok: boolean;
  /** `OK`, `WARNINGS: n`, or the error text. */
  readonly exitstatus: string;
  /** The log's last lines when the task failed. */
  readonly log?: readonly string[];
}

export type PowerAction = 'start' | 'shutdown' | 'stop' | 'reboot' | 'suspend' | 'resume';

export interface AgentInterface {
  readonly name: string;
  readonly hardwareAddress?: string;
  readonly addresses: readonly { readonly address: string; readonly prefix: number; readonly family: 'ipv4' | 'ipv6' }[];
}

export interface AgentOsInfo {
  readonly id?: string;
  readonly name?: string;
  readonly prettyName?: string;
  readonly version?: string;
  readonly versionId?: string;
  /** Windows: `server` / `client`. */
  readonly variant?: string;
  readonly kernelRelease?: string;
  readonly kernelVersion?: string;
  readonly machine?: string;
}

/** How to reach and trust a cluster. The secret is passed separately and never stored here. */
export interface ConnectionTarget {
  /** `https://HOST:8006` (the client appends /api2/json). */
  readonly url: string;
  /** `user@realm!tokenid` for token auth, or `user@realm` for ticket auth. */
  readonly user: string;
  readonly auth: 'token' | 'password';
  /** SHA-256 fingerprint of the server certificate, `AA:BB:…` (upper-case hex pairs), trusted explicitly. */
  readonly fingerprint?: string;
  /** Request timeout in ms. */
  readonly timeoutMs?: number;
}
