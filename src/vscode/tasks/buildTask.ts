import * as vscode from 'vscode';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { STATE_LOCK_FILE } from '../../core/tasks/fileLock';
import { clanStateDir } from '../../core/tasks/kinds';
import { WORKSPACE_KIND_LABELS } from '../../core/tasks/kinds';
import { manifestSubtree } from '../../core/tasks/manifestSubtree';
import { isSafeName, isSafeResourceAddress, unsafeNameReason } from '../../core/tasks/names';
import { appOf, expandTemplate, templateFor, type TemplateValues } from '../../core/tasks/templates';
import { SEED_FLAKE_APPS, type FlakeApps } from '../../core/tasks/flakeApps';
import { appSourceText } from './flakeApps';
import { lookupTool, missingToolMessage, type ToolSettings } from '../../core/tasks/tools';
import type { Services } from '../services';
import type { TaskServices } from './taskServices';
import { templateBuildExecution } from './buildTemplate/execution';
import { extensionScriptExecution } from './nodeExecution';
import type { Config } from '../util/config';
import { TASK_PRESENTATION, TASK_SETTINGS, TASK_SOURCE, type IacTaskDefinition } from './definition';

/** The plan file the plan task writes and the confirmed apply applies, in the OpenTofu/Terraform folder. */
export const PLAN_FILE = '.proxmox-iac.tfplan';

export type BuiltTask = { readonly task: vscode.Task; readonly problem?: undefined } | { readonly task?: undefined; readonly problem: string };

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function toolSettings(config: Config): ToolSettings {
  return {
    tofu: config.get(TASK_SETTINGS.tofuPath, ''),
    nix: config.get(TASK_SETTINGS.nixPath, ''),
    task: config.get(TASK_SETTINGS.taskPath, ''),
    iacDriver: config.get(TASK_SETTINGS.iacDriverPath, ''),
    clanScript: config.get(TASK_SETTINGS.clanScript, ''),
  };
}

export function workspaceDirOf(folder: vscode.WorkspaceFolder, dir: string): string {
  return dir && dir !== '.' ? join(folder.uri.fsPath, dir) : folder.uri.fsPath;
}

/** What the terminal and the Run Task list call the task: the action and what it acts on. */
export function taskLabel(d: IacTaskDefinition): string {
  const verb = { init: 'Init', plan: 'Plan', apply: 'Apply', destroy: 'Destroy', validate: 'Validate', test: 'Test', 'build-template': 'Build template', 'force-unlock': 'Force-unlock' }[d.action];
  const what =
    d.kind === 'iac-driver'
      ? [d.manifest, d.node].filter(Boolean).join(' / ') + (d.host ? ` on ${d.host}` : '')
      : [d.kind === 'clan' ? d.workspace : d.dir || '.', d.target].filter(Boolean).join(' / ');
  return `${verb} ${what} (${WORKSPACE_KIND_LABELS[d.kind]})`;
}

/**
 * The VS Code task for `d`: the tool found, the template expanded into an argv, run by a ProcessExecution (no
 * shell reads any argument). `confirmed` is set only after the user confirmed a destructive action in the
 * editor; then the tool's own prompt is skipped. `apps`: a Terranix flake's app names (./flakeApps.ts). A
 * reason instead of a task when it cannot run.
 */
export function buildTask(folder: vscode.WorkspaceFolder, d: IacTaskDefinition, services: TaskServices, confirmed = false, apps: FlakeApps = SEED_FLAKE_APPS): BuiltTask {
  const config = services.config;
  for (const [what, value] of [['manifest', d.manifest], ['node', d.node], ['host', d.host], ['lock ID', d.lockId], ['workspace', d.workspace]] as const) {
    if (value !== undefined && !isSafeName(value)) return { problem: `The ${what} name "${value}" cannot be passed to a task: ${unsafeNameReason(value)}.` };
  }
  if (d.target !== undefined && !isSafeResourceAddress(d.target)) return { problem: `"${d.target}" is not a resource address that -target takes (type.name).` };
  const overrides = config.get<Record<string, unknown>>(TASK_SETTINGS.commands, {});
  const template = templateFor(d.kind, d.action, overrides);
  if (!template) return { problem: `${WORKSPACE_KIND_LABELS[d.kind]} workspaces have no "${d.action}" command; add one with the "proxmoxIac.tasks.commands" setting ("${d.kind}.${d.action}").` };
  const wsDir = workspaceDirOf(folder, d.dir);
  // A template override may name its own program (`packer build …`): then the kind's tool is not needed.
  const needsTool = template.some((a) => a.includes('${tool}'));
  const tool = needsTool ? lookupTool(d.kind, wsDir, toolSettings(config), process.env.PATH, isExecutable) : { path: '', tried: [] };
  if (tool.path === undefined) return { problem: missingToolMessage(d.kind, tool) };

  const app = appOf(d.kind, d.action, apps);
  if (template.some((a) => a.includes('${app}')) && app === undefined) {
    return { problem: `The flake in ${d.dir || folder.name} has no app for "${d.action}" (its apps: ${apps.names.join(', ') || 'none'}); add one to its outputs, or set what runs it with the "proxmoxIac.tasks.commands" setting ("${d.kind}.${d.action}").` };
  }
  const values: { -readonly [K in keyof TemplateValues]: TemplateValues[K] } = { tool: tool.path, host: d.host, target: d.target, lockId: d.lockId, workspace: d.workspace, app };
  if (confirmed) values.confirmed = '';
  let cwd = wsDir;
  let env: Record<string, string> | undefined;
  if (d.kind === 'iac-driver') {
    if (!d.manifest) return { problem: 'Choose a manifest to run iac-driver on.' };
    if (!d.host) return { problem: 'Choose the host (a site-config node) to run iac-driver against, or set "Proxmox IaC › Tasks: Host".' };
    if (d.node) {
      const file = ['yaml', 'yml'].map((e) => join(wsDir, 'manifests', `${d.manifest}.${e}`)).find((f) => existsSync(f));
      const subtree = file ? manifestSubtree(readFileSync(file, 'utf8'), d.node) : undefined;
      if (!subtree) return { problem: `Manifest ${d.manifest} has no node named ${d.node} (or does not parse).` };
      values.manifestJson = JSON.stringify(subtree);
    } else {
      values.manifest = d.manifest;
    }
    cwd = dirname(tool.path);
    // iac-driver finds its site-config through this variable first (then the sibling folder).
    env = { HOMESTAK_SITE_CONFIG: wsDir };
  } else if (d.kind === 'tofu') {
    if (d.action === 'plan') values.planFile = PLAN_FILE;
    // Only a confirmed apply applies the saved plan; from the Run Task list the tool shows its plan and asks.
    if (d.action === 'apply' && confirmed && existsSync(join(wsDir, PLAN_FILE))) values.planFile = PLAN_FILE;
  } else if (d.kind === 'clan') {
    if (!d.workspace) return { problem: 'Choose the Clan Terranix workspace (shared or a machine) to run.' };
  }
  const argv = expandTemplate(template, values);
  let execution: vscode.ProcessExecution | vscode.CustomExecution;
  if (d.action === 'build-template') {
    // Build, upload, restore, template: steps in the extension host (SSH, API, progress, cancel), see ./buildTemplate/.
    execution = templateBuildExecution({ services, buildArgv: argv, workspaceDir: wsDir, label: taskLabel(d) });
  } else if (d.kind === 'iac-driver') {
    execution = new vscode.ProcessExecution(argv[0], argv.slice(1), { cwd, ...(env ? { env } : {}) });
  } else {
    // Through the tool runner (src/runner/): file references the problem matchers can place, and a report of
    // the run (plan summary, held lock) that ./runReports.ts reads when the task ends.
    const runner = ['--base', folder.uri.fsPath, '--report', reportFileFor(services, folder, d)];
    if (d.kind === 'clan' && d.workspace && (d.action === 'plan' || d.action === 'apply' || d.action === 'destroy')) {
      runner.push('--lock', join(wsDir, clanStateDir(d.workspace), STATE_LOCK_FILE), '--lock-operation', d.action);
    }
    execution = extensionScriptExecution(join(services.context.extensionPath, 'dist', 'tool-runner.js'), [...runner, '--', ...argv], cwd, env);
  }
  const matchers = d.kind === 'iac-driver' || d.action === 'build-template' ? [] : ['$proxmox-iac-tofu', '$proxmox-iac-nix', '$proxmox-iac-nix-trace'];
  const task = new vscode.Task(d, folder, taskLabel(d), TASK_SOURCE, execution, matchers);
  task.group = d.action === 'plan' || d.action === 'validate' ? vscode.TaskGroup.Test : d.action === 'build-template' ? vscode.TaskGroup.Build : undefined;
  task.presentationOptions = TASK_PRESENTATION;
  // Which flake app runs, and whether it was read from the flake, shows under the task in Run Task's list.
  if (app !== undefined && argv.some((a) => a === `.#${app}`)) task.detail = `${basename(argv[0])} ${argv.slice(1).join(' ')} — ${appSourceText(apps)}`;
  return { task };
}

/** Where the runner writes this task's report: one file per workspace folder and definition, in the extension's storage. */
export function reportFileFor(services: Services, folder: vscode.WorkspaceFolder, d: IacTaskDefinition): string {
  const dir = join(services.context.globalStorageUri.fsPath, 'run-reports');
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify([folder.uri.toString(), d.kind, d.action, d.dir, d.workspace, d.target, d.manifest, d.node, d.host])).digest('hex').slice(0, 24);
  return join(dir, `${key}.json`);
}

/** The tool's argv of a task built here (after the runner's own arguments), for tests and logs. */
export function toolArgv(execution: vscode.ProcessExecution): string[] {
  const sep = execution.args.indexOf('--');
  return execution.args[0]?.endsWith('tool-runner.js') && sep >= 0 ? execution.args.slice(sep + 1) : [execution.process, ...execution.args];
}
