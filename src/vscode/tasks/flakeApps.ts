import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listFlakeApps, SEED_FLAKE_APPS, type FlakeApps } from '../../core/tasks/flakeApps';

/** Listing runs Nix on the flake: once per flake.nix version, again after this long (files it imports may change). */
const TTL_MS = 30_000;
const cache = new Map<string, { readonly key: string; readonly at: number; readonly apps: Promise<FlakeApps> }>();

/**
 * The app names of the Terranix flake in `dir` (absolute), see core/tasks/flakeApps.ts. Only in a trusted
 * workspace: listing evaluates the flake's code (restricted, inside the workspace, time-bounded); otherwise,
 * and when there is no flake.nix, seed 000's names.
 */
export async function flakeAppsOf(dir: string, log?: vscode.LogOutputChannel): Promise<FlakeApps> {
  if (!vscode.workspace.isTrusted) return SEED_FLAKE_APPS;
  const st = await stat(join(dir, 'flake.nix')).catch(() => undefined);
  if (!st?.isFile()) return SEED_FLAKE_APPS;
  const key = `${st.mtimeMs}:${st.size}`;
  const hit = cache.get(dir);
  if (hit && hit.key === key && Date.now() - hit.at < TTL_MS) return hit.apps;
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const apps = listFlakeApps(dir, { workspaceRoots: roots });
  cache.set(dir, { key, at: Date.now(), apps });
  void apps.then((a) => log?.info(`Terranix apps of ${dir}: ${a.source === 'seed' ? `seed 000's names (${a.nixProblem ?? 'none found'})` : `${a.names.join(', ')} (${a.source === 'nix' ? 'listed by Nix' : `read from the files; ${a.nixProblem ?? ''}`})`}`));
  return apps;
}

/** How the task list says where a Terranix task's app name came from. */
export function appSourceText(apps: FlakeApps): string {
  if (apps.source === 'nix') return "app from the flake's outputs";
  if (apps.source === 'files') return "app read from the flake's files";
  return "seed 000's app name (the flake's apps could not be listed)";
}
