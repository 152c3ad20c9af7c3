import * as vscode from 'vscode';

export const CONFIG_SECTION = 'proxmoxIac';

/**
 * Typed view of the `proxmoxIac.*` settings. Each capability reads its own keys through `get` with a
 * default that matches package.json, so a missing or mistyped user value never becomes `undefined`.
 */
export class Config {
  constructor(private readonly scope?: vscode.ConfigurationScope) {}

  private get raw(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION, this.scope);
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

  update(key: string, value: unknown, target = vscode.ConfigurationTarget.Global): Thenable<void> {
    return this.raw.update(key, value, target);
  }
}

/** Calls `listener` when any of `keys` (relative to `proxmoxIac.`) changes. */
export function onConfigChange(keys: readonly string[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (keys.some((k) => e.affectsConfiguration(`${CONFIG_SECTION}.${k}`))) listener();
  });
}
