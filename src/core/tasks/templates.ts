import type { WorkspaceKind } from './kinds';
import { appFor, isFlakeAppAction, SEED_FLAKE_APPS, type FlakeApps } from './flakeApps';

/**
 * Command templates: for each workspace kind and action, the argv that runs it. Each entry is one argument;
 * `${name}` placeholders are filled from the task's values, and an argument whose placeholder has no value is
 * left out (so `-target=${target}` disappears when no target is given). Nothing is ever joined into a string
 * for a shell. Users override any template with the `proxmoxIac.tasks.commands` setting.
 */

export type TaskAction = 'init' | 'plan' | 'apply' | 'destroy' | 'validate' | 'test' | 'build-template' | 'force-unlock';

export const TASK_ACTIONS: readonly TaskAction[] = ['init', 'plan', 'apply', 'destroy', 'validate', 'test', 'build-template', 'force-unlock'];

/** Actions that change or remove infrastructure or state: confirmed first, never two at once on a workspace. */
export const DESTRUCTIVE_ACTIONS: ReadonlySet<TaskAction> = new Set(['apply', 'destroy', 'force-unlock']);

/** Placeholder values; `tool` is the program (first argument) and always set by the caller. */
export interface TemplateValues {
  readonly tool: string;
  readonly manifest?: string;
  readonly host?: string;
  readonly target?: string;
  readonly planFile?: string;
  readonly lockId?: string;
  readonly manifestJson?: string;
  /** clan: the Terranix workspace (`shared`, a machine's name). */
  readonly workspace?: string;
  /** terranix: the flake app the action runs (`tofu-plan`, or the flake's own name, see flakeApps.ts). */
  readonly app?: string;
  /**
   * Set when the user already confirmed a destructive action in the editor: templates use it for the tool's
   * own "skip the prompt" flag (`--yes`, `-auto-approve`). Without it the tool asks in the terminal itself.
   */
  readonly confirmed?: string;
}

export type CommandTemplate = readonly string[];
export type KindTemplates = Partial<Record<TaskAction, CommandTemplate>>;

export const DEFAULT_TEMPLATES: Record<WorkspaceKind, KindTemplates> = {
  // seed: `./run.sh create -M <manifest> -H <host> [--dry-run]`, `destroy … --yes`, `test …`
  'iac-driver': {
    // A node's own plan runs the manifest cut down to that node and its children (`--manifest-json`, as the
    // driver's own delegation does); otherwise the manifest by name.
    plan: ['${tool}', 'create', '--manifest=${manifest}', '--manifest-json=${manifestJson}', '--host=${host}', '--dry-run'],
    apply: ['${tool}', 'create', '--manifest=${manifest}', '--manifest-json=${manifestJson}', '--host=${host}'],
    destroy: ['${tool}', 'destroy', '--manifest=${manifest}', '--manifest-json=${manifestJson}', '--host=${host}', '${confirmed}--yes'],
    test: ['${tool}', 'test', '--manifest=${manifest}', '--host=${host}'],
  },
  tofu: {
    init: ['${tool}', 'init', '-input=false'],
    plan: ['${tool}', 'plan', '-input=false', '-out=${planFile}', '-target=${target}'],
    apply: ['${tool}', 'apply', '-input=false', '${confirmed}-auto-approve', '${planFile}'],
    destroy: ['${tool}', 'destroy', '${confirmed}-auto-approve', '-target=${target}'],
    validate: ['${tool}', 'validate', '-no-color'],
    'force-unlock': ['${tool}', 'force-unlock', '-force', '${lockId}'],
  },
  // seed 000: the flake's apps `tofu-init`, `tofu-plan`, `tofu-apply` … (or the names its outputs have, see
  // flakeApps.ts), and `nix build .#proxmox-template`.
  terranix: {
    init: ['${tool}', 'run', '.#${app}'],
    plan: ['${tool}', 'run', '.#${app}', '--', '-target=${target}'],
    apply: ['${tool}', 'run', '.#${app}', '--', '-target=${target}'],
    destroy: ['${tool}', 'run', '.#${app}', '--', '-target=${target}'],
    'build-template': ['${tool}', 'build', '.#proxmox-template'],
  },
  // seed 003: `task infra:plan` …, `task infra:force-unlock LOCK_ID=…`
  taskfile: {
    init: ['${tool}', 'infra:init'],
    plan: ['${tool}', 'infra:plan'],
    apply: ['${tool}', 'infra:apply'],
    destroy: ['${tool}', 'infra:destroy'],
    validate: ['${tool}', 'infra:validate'],
    'force-unlock': ['${tool}', 'infra:force-unlock', 'LOCK_ID=${lockId}'],
  },
  // seed 001: `./scripts/terraform.sh shared apply`, `./scripts/terraform.sh web-server apply`
  clan: {
    init: ['${tool}', '${workspace}', 'init'],
    plan: ['${tool}', '${workspace}', 'plan'],
    apply: ['${tool}', '${workspace}', 'apply'],
    destroy: ['${tool}', '${workspace}', 'destroy'],
  },
};

const PLACEHOLDER = /\$\{([A-Za-z]+)\}/g;

/**
 * The argv for `template` with `values`. An argument naming a placeholder without a value is dropped; an
 * unknown placeholder counts as one without a value. `${confirmed}` expands to the empty string when set. A
 * trailing `--` is dropped.
 */
export function expandTemplate(template: CommandTemplate, values: TemplateValues): string[] {
  const lookup = values as unknown as Record<string, string | undefined>;
  const out: string[] = [];
  for (const arg of template) {
    let missing = false;
    const expanded = arg.replace(PLACEHOLDER, (_, name: string) => {
      const value = lookup[name];
      if (value === undefined || (value === '' && name !== 'confirmed')) missing = true;
      return value ?? '';
    });
    if (!missing) out.push(expanded);
  }
  // `--` only separates the arguments handed on (`nix run .#tofu-plan -- -target=…`); none left, none needed.
  if (out.at(-1) === '--') out.pop();
  return out;
}

/** Which template runs `action` for `kind`: the user's override, else the default, else none. */
export function templateFor(kind: WorkspaceKind, action: TaskAction, overrides: Readonly<Record<string, unknown>> = {}): CommandTemplate | undefined {
  const custom = overrides[`${kind}.${action}`];
  if (Array.isArray(custom) && custom.length > 0 && custom.every((a) => typeof a === 'string')) return custom;
  return DEFAULT_TEMPLATES[kind][action];
}

/**
 * The actions a kind offers: those with a template, default or overridden, that can run. A Terranix flake
 * whose outputs Nix listed without an app for an action does not offer it (unless a setting says what to run).
 */
export function actionsFor(kind: WorkspaceKind, overrides: Readonly<Record<string, unknown>> = {}, apps: FlakeApps = SEED_FLAKE_APPS): TaskAction[] {
  return TASK_ACTIONS.filter((a) => {
    const template = templateFor(kind, a, overrides);
    return template !== undefined && (!template.some((arg) => arg.includes('${app}')) || appOf(kind, a, apps) !== undefined);
  });
}

/** The flake app `action` runs in a `kind` workspace (Terranix only), see flakeApps.ts. */
export function appOf(kind: WorkspaceKind, action: TaskAction, apps: FlakeApps = SEED_FLAKE_APPS): string | undefined {
  return kind === 'terranix' && isFlakeAppAction(action) ? appFor(action, apps) : undefined;
}
