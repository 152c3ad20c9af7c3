import type { CliCommand } from './command';
import { agentCommand } from './agent';
import { resourcesCommand } from './resources';
import { simulateCommand } from './simulate';
import { taskCommand } from './task';
import { validateCommand } from './validate';
import { graphCommand } from './graph';
import { resolveCommand } from './resolve';
import { provisionCommand } from './provision';

/**
 * Every sub-command of `proxmox-iac`. Add a command by importing its module here; each command lives in
 * its own file under `src/cli/` and works over `src/core`.
 */
export const commands: readonly CliCommand[] = [resourcesCommand, agentCommand, taskCommand, simulateCommand, validateCommand, graphCommand, resolveCommand, provisionCommand];
