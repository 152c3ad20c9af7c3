// The tasks suite: a workspace with one folder per workspace kind — site-config/ with a stand-in
// iac-driver/run.sh beside it, infra/ (terraform_data only, run by the real terraform), vms/ (Proxmox VM
// resources, for the "Plan this VM" lens), fleet/ (a Terranix flake with hosts.nix and no apps), apps/ (one
// whose apps have their own names, which Nix lists) and talos/ (a Taskfile) — plus manifest files and nodes
// whose names a shell would run as commands.
//
// Every tool the extension starts goes through a recording stand-in (set in the user settings), which writes
// its argv, tab-separated, to PROXMOX_IAC_TEST_ARGV_LOG: `terraform` then runs the real terraform on PATH
// (neither terraform nor OpenTofu comes from a package registry; without one the suite fails and says so),
// `nix` and `task` only record (no flake inputs or Taskfile includes can be fetched here), except that
// `nix build .#proxmox-template` leaves a small fake archive in result/ as the real build would.
//
// For "Build template": the simulator and a real sshd (template-host.ts), a connection to the simulator, and the
// build-template settings pointing SSH at that sshd with its key and known_hosts.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { startChildHost } from '../../../scripts/vscode/childHost.mjs';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.tasks;
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

export async function setup({ repoRoot, tmpDir }) {
  const binDir = join(tmpDir, 'tool-spies');
  mkdirSync(binDir, { recursive: true });
  const log = join(tmpDir, 'argv.log');
  const realTerraform = onPath('tofu') ?? onPath('terraform');
  const terraform = stub(binDir, 'terraform', log, realTerraform ? `exec ${shQuote(realTerraform)} "$@"` : `echo 'no terraform or tofu on PATH' >&2; exit 127`);
  const fakeBuild = `if [ "$1" = build ] && [ "$2" = .#proxmox-template ]; then mkdir -p result && printf 'fake vma archive %s\\n' "$PWD" > result/vzdump-qemu-nixos-fake.vma.zst; fi`;
  const nix = stub(binDir, 'nix', log, `${fakeBuild}\necho "nix stand-in: $*"`);
  const task = stub(binDir, 'task', log, `echo "task stand-in: $*"`);
  const host = await startTemplateHost(repoRoot, tmpDir);
  const { info } = host;
  const secretsFile = join(tmpDir, 'tasks-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ demo: info.tokens.admin.secret }), { mode: 0o600 });
  return {
    teardown: host.stop,
    env: {
      PROXMOX_IAC_SECRETS_FILE: secretsFile,
      PROXMOX_IAC_TEST_FAKE_CALLS: info.ssh.fakeCalls,
      PROXMOX_IAC_TEST_REMOTE_DIR: info.ssh.remoteDir,
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
      'proxmoxIac.connections': [{ id: 'demo', name: 'Demo cluster', url: info.url, auth: 'token', tokenId: info.tokens.admin.id, fingerprint: info.fingerprint }],
      'proxmoxIac.explorer.refreshInterval': 0,
      'proxmoxIac.buildTemplate.sshHost': '127.0.0.1',
      'proxmoxIac.buildTemplate.sshPort': info.ssh.port,
      'proxmoxIac.buildTemplate.sshUser': info.ssh.user,
      'proxmoxIac.buildTemplate.identityFile': info.ssh.identityFile,
      'proxmoxIac.buildTemplate.knownHostsFile': info.ssh.knownHosts,
      'proxmoxIac.buildTemplate.remoteDir': info.ssh.remoteDir,
      // The DOM renderer, so that tests can read what the task's terminal shows.
      'terminal.integrated.gpuAcceleration': 'off',
    },
  };
}

/** Starts template-host.ts (simulator + sshd) and waits for what it writes. */
function startTemplateHost(repoRoot, tmpDir) {
  const dir = join(tmpDir, 'template-host');
  mkdirSync(dir, { recursive: true });
  // sshd as well as tsx and the simulator: slow on a loaded machine; sshd may take a while to stop.
  return startChildHost({ repoRoot, script: 'test/integration/tasks/template-host.ts', infoFile: join(dir, 'info.json'), args: [dir], what: 'the simulator and sshd', stopMs: 8000 });
}
