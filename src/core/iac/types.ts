/**
 * Shared vocabulary of the IaC side: positions, diagnostics and the guests a workspace declares.
 * Pure data, used by the validators, the CLI and the VS Code layer alike.
 */

/** Zero-based line and character (UTF-16 code units), like VS Code's Position. */
export interface Pos {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Pos;
  readonly end: Pos;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface IacDiagnostic {
  readonly range: Range;
  readonly severity: Severity;
  readonly message: string;
  /** Stable id for quick fixes and filtering, e.g. `unknown-parent`, `duplicate-vmid`, `schema`. */
  readonly code: string;
  /** Extra data a quick fix needs (e.g. the suggested replacement). */
  readonly data?: { readonly replacement?: string; readonly [key: string]: unknown };
}

/** The kinds of IaC files the extension understands. */
export type IacFormat =
  | 'manifest' // iac-driver manifests/*.yaml
  | 'site' // site.yaml
  | 'secrets' // secrets.yaml(.example)
  | 'spec'
  | 'preset'
  | 'posture'
  | 'node' // site-config nodes/*.yaml
  | 'host' // site-config hosts/*.yaml
  | 'env'
  | 'vm' // site-config vms/*.yaml and vms/presets/*.yaml
  | 'hosts-nix'
  | 'vm-definitions-nix'
  | 'talos-cluster'
  | 'talos-nodes';

/** A guest that an IaC file declares, for correlation with the live cluster. */
export interface DeclaredGuest {
  readonly name: string;
  readonly vmid?: number;
  readonly format: IacFormat;
  /** Absolute path of the declaring file. */
  readonly file: string;
  /** Range of the declaration (the node's `name:` value, the Nix attribute name …). */
  readonly range: Range;
  /** Declared read-only (hosts.nix `readonly = true`, definitions.nix `imported`): never modify. */
  readonly readonly: boolean;
  /** Where the read-only flag is set, for messages ("hosts.nix:42"). */
  readonly readonlySource?: string;
  /** Template VMs (definitions.nix `template`, manifest image sources). */
  readonly template?: boolean;
}

/**
 * What the connected cluster has, as plain data (it may cross to a worker thread): node names, each node's
 * storages and each node's bridges. Fleet files' node, storage and bridge names are checked against it when a
 * connection is open.
 */
export interface LiveInventory {
  readonly nodes?: readonly string[];
  readonly storages?: readonly { readonly node: string; readonly storage: string; readonly content?: readonly string[] }[];
  /** Bridge names (`vmbr0` …) by node, for the nodes whose network was read; a node not here is unknown. */
  readonly bridges?: Readonly<Record<string, readonly string[]>>;
}
