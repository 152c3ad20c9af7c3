/**
 * Which flake app a Terranix task runs (`nix run .#<app>`): the names the flake's outputs have, read by Nix
 * where it can list them (flakeAppsNix.ts), else from the flake's files (flakeAppsStatic.ts), else seed 000's
 * names (`tofu-init`, `tofu-plan`, `tofu-apply`, `tofu-destroy`). The `proxmoxIac.tasks.commands` setting
 * overrides any of them (`"terranix.plan": ["${tool}", "run", ".#my-plan"]`).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { listFlakeAppsWithNix } from './flakeAppsNix';
import { listFlakeAppsStatically } from './flakeAppsStatic';

export type FlakeAppAction = 'init' | 'plan' | 'apply' | 'destroy';

/** Seed 000's apps (its flake has `tofu-show`, `tofu-plan`, `tofu-apply`, `tofu-init`, `tofu-import`, `tofu-destroy`). */
export const SEED_APPS: Readonly<Record<FlakeAppAction, string>> = { init: 'tofu-init', plan: 'tofu-plan', apply: 'tofu-apply', destroy: 'tofu-destroy' };

export interface FlakeApps {
  /** `nix`: listed by evaluating the outputs; `files`: read from the flake's files; `seed`: neither found any. */
  readonly source: 'nix' | 'files' | 'seed';
  /** App names (plain names only, sorted); empty for `seed`. */
  readonly names: readonly string[];
  /** Why Nix did not list them, when it did not (for the log). */
  readonly nixProblem?: string;
}

export const SEED_FLAKE_APPS: FlakeApps = { source: 'seed', names: [] };

/** A name that is one flake attribute: `.#<name>` cannot become another flake reference (`?dir=`, `#`, `/`). */
const PLAIN_APP = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;

/** The app for `action` among `names`: `tofu-plan`, `terraform-plan`, `tf-plan`, `terranix-plan`, `plan`, then any `…-plan`. */
export function findApp(action: FlakeAppAction, names: readonly string[]): string | undefined {
  for (const candidate of [`tofu-${action}`, `opentofu-${action}`, `terraform-${action}`, `tf-${action}`, `terranix-${action}`, action]) {
    if (names.includes(candidate)) return candidate;
  }
  return [...names].sort().find((n) => n.endsWith(`-${action}`) || n.endsWith(`_${action}`));
}

/**
 * The app a task runs, or undefined when the flake has none for it. Only a list from Nix is complete: read
 * from files, a missing action keeps seed 000's name (the app may be built in a way the reader does not see).
 */
export function appFor(action: FlakeAppAction, apps: FlakeApps): string | undefined {
  if (apps.source === 'seed') return SEED_APPS[action];
  return findApp(action, apps.names) ?? (apps.source === 'files' ? SEED_APPS[action] : undefined);
}

export function isFlakeAppAction(action: string): action is FlakeAppAction {
  return action === 'init' || action === 'plan' || action === 'apply' || action === 'destroy';
}

export interface ListFlakeAppsOptions {
  /** The workspace folders: a flake outside all of them is never evaluated (its files are not read either). */
  readonly workspaceRoots: readonly string[];
  /** Evaluation time limit (default 5 s); the process is killed after it. */
  readonly timeoutMs?: number;
  readonly nixBin?: string;
  readonly signal?: AbortSignal;
}

function within(dir: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The apps of the flake in `dir`. Never throws. */
export async function listFlakeApps(dir: string, options: ListFlakeAppsOptions): Promise<FlakeApps> {
  if (!options.workspaceRoots.some((r) => within(dir, r))) return { ...SEED_FLAKE_APPS, nixProblem: 'the flake is outside the workspace' };
  const matches = (names: readonly string[]) => (['init', 'plan', 'apply', 'destroy'] as const).some((a) => findApp(a, names) !== undefined);
  const nix = await listFlakeAppsWithNix(dir, { timeoutMs: options.timeoutMs ?? 5_000, ...(options.nixBin ? { nixBin: options.nixBin } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  const plain = (names: readonly string[]) => [...new Set(names.filter((n) => PLAIN_APP.test(n)))].sort();
  // A list without any plan/apply/init/destroy app says more about the stand-in inputs than about the flake.
  if (nix.kind === 'listed' && matches(plain(nix.names))) return { source: 'nix', names: plain(nix.names) };
  const nixProblem = nix.kind === 'failed' ? nix.reason : `Nix listed no plan, apply, init or destroy app for ${nix.system}`;
  const read = plain(await listFlakeAppsStatically(dir).catch(() => []));
  if (matches(read)) return { source: 'files', names: read, nixProblem };
  return { ...SEED_FLAKE_APPS, nixProblem };
}
