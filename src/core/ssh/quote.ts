/**
 * POSIX shell quoting for commands run over SSH.
 *
 * An SSH "exec" request carries one string that the remote login shell parses, so every argument — including
 * names that come from user files — must be quoted or it may become shell syntax (`; rm -rf /`, `$(reboot)`).
 * We single-quote EVERY argument, even ones that look harmless: inside single quotes a POSIX shell treats
 * every byte literally except `'` itself, which we end, escape and reopen as `'\''`. This holds for sh, dash,
 * bash, zsh and ksh (Proxmox VE's root shell is bash); csh-family shells are not supported as remote shells.
 */

/** Thrown when an argument cannot be passed through a shell at all. */
export class UnquotableArgumentError extends Error {
  override readonly name = 'UnquotableArgumentError';
}

/** Quotes one argument so the remote shell passes it to the program verbatim. */
export function shellQuote(arg: string): string {
  if (typeof arg !== 'string') {
    throw new UnquotableArgumentError(`Command arguments must be strings, got ${typeof arg}.`);
  }
  // A process argument is a C string: a NUL would silently cut it short on the remote side.
  if (arg.includes('\0')) {
    throw new UnquotableArgumentError(
      'A command argument contains a NUL character, which no remote program can receive. Remove it from the name or value.',
    );
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Builds the command string for an SSH exec request from an argument vector (program first). */
export function buildRemoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new UnquotableArgumentError('Cannot run an empty command: give at least the program name.');
  }
  if (argv[0] === '') {
    throw new UnquotableArgumentError('Cannot run a command whose program name is empty.');
  }
  return argv.map(shellQuote).join(' ');
}
