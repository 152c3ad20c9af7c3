import * as vscode from 'vscode';
import type { WorkspaceKind } from '../../core/tasks/kinds';
import type { TaskAction } from '../../core/tasks/templates';

/** Task type contributed in package.json `taskDefinitions` (its JSON schema is there too). */
export const TASK_TYPE = 'proxmox-iac';
export const TASK_SOURCE = 'Proxmox IaC';

export interface IacTaskDefinition extends vscode.TaskDefinition {
  readonly type: typeof TASK_TYPE;
  readonly kind: WorkspaceKind;
  readonly action: TaskAction;
  /** The workspace's folder, relative to the workspace folder (`''` or `.` for its root). */
  readonly dir: string;
  readonly manifest?: string;
  readonly node?: string;
  readonly host?: string;
  readonly target?: string;
  readonly lockId?: string;
  /** clan: the Terranix workspace (`shared`, a machine's name). */
  readonly workspace?: string;
}

/** How every task of ours shows: its own terminal, revealed and cleared, no "press any key" line. */
export const TASK_PRESENTATION: vscode.TaskPresentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false };

/** Settings under `proxmoxIac.tasks.*`. */
export const TASK_SETTINGS = {
  tofuPath: 'tasks.tofuPath',
  nixPath: 'tasks.nixPath',
  taskPath: 'tasks.taskPath',
  iacDriverPath: 'tasks.iacDriverPath',
  host: 'tasks.host',
  commands: 'tasks.commands',
  clanScript: 'tasks.clanScript',
} as const;
