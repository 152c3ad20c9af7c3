import type { CliCommand } from './command';

/**
 * Every sub-command of `proxmox-iac`. Add a command by importing its module here; each command lives in
 * its own file under `src/cli/` and works over `src/core`.
 */
export const commands: readonly CliCommand[] = [];
