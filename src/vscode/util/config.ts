import * as vscode from 'vscode';

export const CONFIG_SECTION = 'proxmoxIac';

/**
 * The `proxmoxIac` section as last read, until a change to it. Reading it costs a walk over VS Code's whole
 * configuration model, and the explorer reads settings for every row it renders (a 2,000-row tree asked for
 * it thousands of times per refresh). Every change listener of ours goes through onConfigChange, which drops
 * the snapshot before any listener runs, so no listener reads a stale value.
 */
let snapshot: vscode.WorkspaceConfiguration | undefined;
let watcher: vscode.Disposable | undefined;
/** What `Config.derived` computed from a snapshot; it goes with the snapshot. */
const derivedFrom = new WeakMap<vscode.WorkspaceConfiguration, Map<string, unknown>>();

function forgetOnChange(e: vscode.ConfigurationChangeEvent): void {
  if (e.affectsConfiguration(CONFIG_SECTION)) snapshot = undefined;
}

/**
 * Typed view of the `proxmoxIac.*` settings. Each capability reads its own keys through `get` with a
 * default that matches package.json, so a missing or mistyped user value never becomes `undefined`.
 */
export class Config {
  constructor(private readonly scope?: vscode.ConfigurationScope) {}

  private get raw(): vscode.WorkspaceConfiguration {
    if (this.scope !== undefined) return vscode.workspace.getConfiguration(CONFIG_SECTION, this.scope);
    watcher ??= vscode.workspace.onDidChangeConfiguration(forgetOnChange);
    return (snapshot ??= vscode.workspace.getConfiguration(CONFIG_SECTION));
  }

  get<T>(key: string, fallback: T): T {
    const value = this.raw.get<unknown>(key);
    if (value === undefined || value === null) return fallback;
    if (typeof fallback === 'number' && typeof value !== 'number') return fallback;
    if (typeof fallback === 'boolean' && typeof value !== 'boolean') return fallback;
    if (typeof fallback === 'string' && typeof value !== 'string') return fallback;
    if (Array.isArray(fallback) && !Array.isArray(value)) return fallback;
    return value as T;
  }

  /**
   * A value computed from the settings (a parsed list), computed again only after the settings change: `key`
   * names it among the others. Without a snapshot (a scoped Config) it is computed on every call.
   */
  derived<T>(key: string, compute: () => T): T {
    if (this.scope !== undefined) return compute();
    const raw = this.raw;
    let values = derivedFrom.get(raw);
    if (!values) derivedFrom.set(raw, (values = new Map<string, unknown>()));
    if (!values.has(key)) values.set(key, compute());
    return values.get(key) as T;
  }

  async update(key: string, value: unknown, target = vscode.ConfigurationTarget.Global): Promise<void> {
    try {
      await this.raw.update(key, value, target);
    } finally {
      if (this.scope === undefined) snapshot = undefined;
    }
  }

  /** Stops watching for changes (deactivation). */
  static dispose(): void {
    watcher?.dispose();
    watcher = undefined;
    snapshot = undefined;
  }
}

/** Calls `listener` when any of `keys` (relative to `proxmoxIac.`) changes. */
export function onConfigChange(keys: readonly string[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    forgetOnChange(e);
    if (keys.some((k) => e.affectsConfiguration(`${CONFIG_SECTION}.${k}`))) listener();
  });
}
