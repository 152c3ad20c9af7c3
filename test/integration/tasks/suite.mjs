// The tasks suite: a workspace with one folder per workspace kind — site-config/ with a stand-in
// iac-driver/run.sh beside it, infra/ (terraform_data only, run by the real terraform), vms/ (Proxmox VM
// resources, for the "Plan this VM" lens), fleet/ (a Terranix flake with hosts.nix) and talos/ (a Taskfile) —
// plus manifest files and nodes whose names a shell would run as commands.
//
// Every tool the extension starts goes through a recording stand-in (set in the user settings), which writes
// its argv, tab-separated, to PROXMOX_IAC_TEST_ARGV_LOG: `terraform` then runs the real terraform on PATH
// (neither terraform nor OpenTofu comes from a package registry; without one the suite fails and says so),
// `nix` and `task` only record (no flake inputs or Taskfile includes can be fetched here).
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const workspace = 'test/fixtures/tasks';
export const timeoutMs = 900_000;

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function shQuote(s) {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

function stub(binDir, name, log, handOver) {
  const file = join(binDir, name);
  const record = `{ printf '%s' ${shQuote(name)}; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >> ${shQuote(log)}`;
  writeFileSync(file, `#!/bin/sh\n${record}\n${handOver}\n`);
  chmodSync(file, 0o755);
  return file;
}

export async function setup({ tmpDir }) {
  const binDir = join(tmpDir, 'tool-spies');
  mkdirSync(binDir, { recursive: true });
  const log = join(tmpDir, 'argv.log');
  const realTerraform = onPath('tofu') ?? onPath('terraform');
  const terraform = stub(binDir, 'terraform', log, realTerraform ? `exec ${shQuote(realTerraform)} "$@"` : `echo 'no terraform or tofu on PATH' >&2; exit 127`);
  const nix = stub(binDir, 'nix', log, `echo "nix stand-in: $*"`);
  const task = stub(binDir, 'task', log, `echo "task stand-in: $*"`);
  return {
    env: {
      PROXMOX_IAC_TEST_ARGV_LOG: log,
      PROXMOX_IAC_TEST_REAL_TERRAFORM: realTerraform ?? '',
      // No prompts, no checkpoint calls: the real terraform stays offline.
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
    },
    settings: {
      'proxmoxIac.tasks.tofuPath': terraform,
      'proxmoxIac.tasks.nixPath': nix,
      'proxmoxIac.tasks.taskPath': task,
    },
  };
}
