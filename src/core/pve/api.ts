import type {
  AgentInterface,
  AgentOsInfo,
  ClusterSnapshot,
  Guest,
  GuestType,
  NodeBridge,
  PowerAction,
  PveNode,
  Snapshot,
  Storage,
  TaskResult,
  TaskStatus,
} from './types';

/** Cancellation without depending on vscode: an AbortSignal. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface WaitOptions extends CallOptions {
  /** Called on each poll with the task's status and the elapsed ms. */
  readonly onProgress?: (status: TaskStatus, elapsedMs: number) => void;
  /** Give up after this many ms (default: no limit, only the signal). */
  readonly timeoutMs?: number;
}

export interface GuestRef {
  readonly node: string;
  readonly type: GuestType;
  readonly vmid: number;
}

export interface CloneOptions {
  readonly newid: number;
  readonly name?: string;
  readonly target?: string;
  readonly full?: boolean;
  readonly storage?: string;
  readonly pool?: string;
  readonly description?: string;
}

/**
 * Everything the extension and CLI ask of a Proxmox cluster. `PveClient` (client.ts) implements it over
 * HTTPS; tests may substitute a fake. Every method throws a `PveError` subclass (errors.ts) on failure.
 * Methods that start a task return its UPID; `waitForTask` follows it.
 */
export interface PveApi {
  version(o?: CallOptions): Promise<{ version: string; release: string; repoid: string }>;
  /** One request: `/cluster/resources` (all kinds), turned into the model. */
  clusterResources(o?: CallOptions): Promise<ClusterSnapshot>;
  nodes(o?: CallOptions): Promise<PveNode[]>;
  guests(node: string, type: GuestType, o?: CallOptions): Promise<Guest[]>;
  guestStatus(ref: GuestRef, o?: CallOptions): Promise<Record<string, unknown>>;
  storages(node: string, o?: CallOptions): Promise<Storage[]>;
  /** The node's Linux and OVS bridges (`/nodes/{node}/network?type=any_bridge`). */
  bridges(node: string, o?: CallOptions): Promise<NodeBridge[]>;
  nextId(o?: CallOptions): Promise<number>;

  power(ref: GuestRef, action: PowerAction, o?: CallOptions): Promise<string>;
  clone(ref: GuestRef, options: CloneOptions, o?: CallOptions): Promise<string>;
  /** Converts to a template. Returns a UPID (qemu) or null when the server finished synchronously. */
  template(ref: GuestRef, o?: CallOptions): Promise<string | null>;
  destroy(ref: GuestRef, o?: CallOptions): Promise<string>;
  config(ref: GuestRef, o?: CallOptions): Promise<Record<string, unknown>>;
  /** POST (async, returns UPID) config update for qemu. */
  updateConfigAsync(ref: GuestRef, params: Record<string, string | number | boolean>, o?: CallOptions): Promise<string | null>;
  /** PUT (sync) config update. */
  updateConfig(ref: GuestRef, params: Record<string, string | number | boolean>, o?: CallOptions): Promise<void>;
  /** Grows a disk (`size` like "32G", or "+8G"); returns the resize task's UPID. */
  resizeDisk(ref: GuestRef, disk: string, size: string, o?: CallOptions): Promise<string>;

  snapshots(ref: GuestRef, o?: CallOptions): Promise<Snapshot[]>;
  createSnapshot(ref: GuestRef, name: string, options?: { description?: string; vmstate?: boolean }, o?: CallOptions): Promise<string>;
  rollbackSnapshot(ref: GuestRef, name: string, o?: CallOptions): Promise<string>;
  deleteSnapshot(ref: GuestRef, name: string, o?: CallOptions): Promise<string>;

  agentPing(ref: GuestRef, o?: CallOptions): Promise<void>;
  agentNetworkInterfaces(ref: GuestRef, o?: CallOptions): Promise<AgentInterface[]>;
  agentOsInfo(ref: GuestRef, o?: CallOptions): Promise<AgentOsInfo>;
  agentHostName(ref: GuestRef, o?: CallOptions): Promise<string>;

  taskStatus(node: string, upid: string, o?: CallOptions): Promise<TaskStatus>;
  taskLog(node: string, upid: string, range?: { start?: number; limit?: number }, o?: CallOptions): Promise<string[]>;
  waitForTask(upid: string, o?: WaitOptions): Promise<TaskResult>;
}
