import { commands } from './commands';
import { EXIT_USAGE, type CliIO } from './command';
import { safeIo, safeLines, safeText } from './safeText';
import { version } from '../../package.json';

function help(): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `proxmox-iac ${version} — Proxmox VE and infrastructure-as-code tools for CI and scripts`,
    '',
    'Usage: proxmox-iac COMMAND [options]',
    '',
    'Commands:',
    ...(lines.length ? lines : ['  (none)']),
    '',
    'Options: --help, --version. `proxmox-iac COMMAND --help` shows a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[], rawIo: CliIO): Promise<number> {
  // Commands escape what a server, a guest agent or a file says where they print it; this is the backstop.
  const io = safeIo(rawIo);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(version);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`proxmox-iac: unknown command '${safeText(name)}'. Run 'proxmox-iac --help' for the list.`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    io.err(`proxmox-iac ${name}: ${safeText(err instanceof Error ? err.message : String(err))}`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  const io: CliIO = {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`proxmox-iac: ${safeLines(String(err))}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
