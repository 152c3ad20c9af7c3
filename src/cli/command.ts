/** One CLI sub-command. `run` returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Full usage text for `proxmox-iac NAME --help`. */
  readonly usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Exit codes shared by every command: 0 ok, 1 problems found / call failed, 2 could not run (usage, I/O). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
