import { delimiter, isAbsolute, join } from 'node:path';
import type { WorkspaceKind } from './kinds';

/**
 * Which program runs a workspace kind, and what to tell the user when it is missing. Lookup is pure over an
 * injected `isExecutable`, so it is tested without touching PATH.
 */

export interface ToolSettings {
  /** `proxmoxIac.tasks.tofuPath`: a program name or path; empty = `tofu` if found, else `terraform`. */
  readonly tofu?: string;
  readonly nix?: string;
  readonly task?: string;
  /** `proxmoxIac.tasks.iacDriverPath`: the iac-driver checkout; empty = `iac-driver` beside the site-config. */
  readonly iacDriver?: string;
  /** `proxmoxIac.tasks.clanScript`: the script that runs a Clan Terranix workspace; empty = `scripts/terraform.sh`. */
  readonly clanScript?: string;
}

export interface ToolLookup {
  readonly path: string | undefined;
  /** The program names tried, in order (for the message). */
  readonly tried: readonly string[];
}

export type IsExecutable = (path: string) => boolean;

/** First `names` entry found: absolute paths as they are, bare names on each PATH folder. */
export function findProgram(names: readonly string[], pathEnv: string | undefined, isExecutable: IsExecutable): string | undefined {
  for (const name of names) {
    if (isAbsolute(name)) {
      if (isExecutable(name)) return name;
      continue;
    }
    for (const dir of (pathEnv ?? '').split(delimiter)) {
      if (dir && isExecutable(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/**
 * The program for `kind`. `workspaceDir` is the detected folder (absolute); for iac-driver that is the
 * site-config, and the driver is `run.sh` in the setting's folder or in a sibling `iac-driver/`.
 */
export function lookupTool(kind: WorkspaceKind, workspaceDir: string, settings: ToolSettings, pathEnv: string | undefined, isExecutable: IsExecutable): ToolLookup {
  const configured = (value: string | undefined) => (value && value.trim() ? [value.trim()] : undefined);
  switch (kind) {
    case 'tofu': {
      const tried = configured(settings.tofu) ?? ['tofu', 'terraform'];
      return { path: findProgram(tried, pathEnv, isExecutable), tried };
    }
    case 'terranix': {
      const tried = configured(settings.nix) ?? ['nix'];
      return { path: findProgram(tried, pathEnv, isExecutable), tried };
    }
    case 'taskfile': {
      const tried = configured(settings.task) ?? ['task', 'go-task'];
      return { path: findProgram(tried, pathEnv, isExecutable), tried };
    }
    case 'clan': {
      const script = settings.clanScript?.trim() || 'scripts/terraform.sh';
      const tried = [isAbsolute(script) ? script : join(workspaceDir, script)];
      return { path: findProgram(tried, pathEnv, isExecutable), tried };
    }
    case 'iac-driver': {
      const folder = settings.iacDriver?.trim() ? (isAbsolute(settings.iacDriver.trim()) ? settings.iacDriver.trim() : join(workspaceDir, settings.iacDriver.trim())) : join(workspaceDir, '..', 'iac-driver');
      const tried = [join(folder, 'run.sh')];
      return { path: findProgram(tried, pathEnv, isExecutable), tried };
    }
  }
}

/** One sentence: what is missing and how to get it, with the setting that points at it. */
export function missingToolMessage(kind: WorkspaceKind, lookup: ToolLookup): string {
  switch (kind) {
    case 'tofu':
      return `${lookup.tried.length > 1 ? `Neither ${lookup.tried.map((t) => `\`${t}\``).join(' nor ')} was found on PATH` : `\`${lookup.tried[0]}\` was not found`}: install OpenTofu (https://opentofu.org/docs/intro/install/) or Terraform, or set "Proxmox IaC › Tasks: Tofu Path" to the program.`;
    case 'terranix':
      return `\`${lookup.tried[0]}\` was not found on PATH: install Nix with flakes enabled (https://nixos.org/download/), or set "Proxmox IaC › Tasks: Nix Path" to the program.`;
    case 'taskfile':
      return `\`task\` was not found on PATH: install Task (https://taskfile.dev/installation/), or set "Proxmox IaC › Tasks: Task Path" to the program.`;
    case 'clan':
      return `No executable ${lookup.tried[0]} was found: seed 001 runs Terranix workspaces with \`scripts/terraform.sh <workspace> plan|apply\`; add that script, or set "Proxmox IaC › Tasks: Clan Script" to the program that does.`;
    case 'iac-driver':
      return `No iac-driver checkout was found at ${lookup.tried[0]}: clone https://github.com/homestak-dev/iac-driver beside the site-config, or set "Proxmox IaC › Tasks: Iac Driver Path" to its folder.`;
  }
}
