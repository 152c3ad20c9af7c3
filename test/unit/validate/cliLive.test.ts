/**
 * `proxmox-iac validate --live` against the simulator on 127.0.0.1, as a CI script would run it: the cluster
 * read once with `resources`' connection options (secret from a file or the environment), a VMID that a live
 * guest of another name has reported with that guest and its node in a manifest, talos nodes.yaml and
 * hosts.nix (real nix-instantiate), hosts.nix node/storage names checked against the cluster, and the exit codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import type { RunningSimulator } from '../../../src/sim/index';
import { sim } from '../pve/helpers';
import { EXAMPLES, lineColOf } from './helpers';

let s: RunningSimulator;
let work: string;

/** A writable copy of the example files (the fixtures are read-only), with the token file beside them. */
before(async () => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');
  s = await sim();
  work = mkdtempSync(nodePath.join(tmpdir(), 'piac-live-'));
  cpSync(EXAMPLES, nodePath.join(work, 'repo'), { recursive: true });
  const writable = (p: string): void => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) writable(nodePath.join(p, e));
  };
  writable(work);
  writeFileSync(nodePath.join(work, 'pve.token'), `${s.tokens.admin.secret}\n`, { mode: 0o600 });
});
after(async () => {
  await s?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const repo = (...p: string[]) => nodePath.join(work, 'repo', ...p);

function capture(env: NodeJS.ProcessEnv = {}): CliIO & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: repo(), stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

/** The connection as a CI job sets it: URL, token ID and fingerprint in the environment, the secret in a file. */
const env = (): NodeJS.ProcessEnv => ({ PROXMOX_IAC_URL: s.url, PROXMOX_IAC_TOKEN_ID: s.tokens.admin.id, PROXMOX_IAC_FINGERPRINT: s.fingerprint });
const TOKEN = ['--token-file', '../pve.token'];

/** Replaces `from` with `to` in a copied file; returns the new text and a function that puts the old one back. */
function edit(file: string, from: string, to: string): { text: string; restore: () => void } {
  const old = readFileSync(file, 'utf8');
  assert.ok(old.includes(from), `${file} has no '${from}'`);
  const text = old.replace(from, to);
  writeFileSync(file, text);
  return { text, restore: () => writeFileSync(file, old) };
}

test('validate --live: the example files match the demo cluster, exit 0, and the output says what they were checked against', async () => {
  const io = capture(env());
  const code = await main(['validate', '.', '--live', ...TOKEN], io);
  assert.equal(code, 0, io.stdout() + io.stderr());
  assert.match(io.stdout(), /\d+ files checked: 0 errors, 0 warnings\./);
  assert.match(io.stdout(), new RegExp(`Checked against the live cluster at ${s.url.replace(/[.]/g, '\\.')}/?: 25 guests on 3 nodes, \\d+ storages\\.`));
  assert.equal(io.stderr(), '');
});

test('validate --live: a VMID a live guest of another name uses is reported in a manifest, talos nodes.yaml and hosts.nix, naming the guest and node; exit 1', async () => {
  const manifest = edit(repo('site-config/manifests/n2-push.yaml'), 'vmid: 99021', 'vmid: 105');
  const hosts = edit(repo('nixos-fleet/hosts.nix'), 'vmid = 114;', 'vmid = 120;');
  const talos = repo('talos-cluster/nodes.yaml');
  const node = (name: string, n: number, vmid: number, controller: boolean) =>
    `  - name: "${name}"\n    address: "10.0.3.${n}"\n    controller: ${controller}\n    disk: "/dev/sda"\n    mac_addr: "bc:24:11:00:00:0${n}"\n    schematic_id: "${'a'.repeat(64)}"\n    vm_id: ${vmid}\n`;
  const talosText = `nodes:\n${node('k8s-cp-1', 1, 200, true)}${node('talos-worker-1', 2, 202, false)}`;
  writeFileSync(talos, talosText);
  try {
    const io = capture(env());
    const code = await main(['validate', '--live', ...TOKEN], io);
    assert.equal(code, 1, io.stdout() + io.stderr());
    const lines = io.stdout().split('\n');
    const on = (file: string, text: string, needle: string) => lines.find((l) => l.startsWith(`${file}:${lineColOf(text, needle)} warning VMID `));
    const m = on('site-config/manifests/n2-push.yaml', manifest.text, '105');
    assert.ok(m, lines.join('\n'));
    assert.match(m, /VMID 105 is already used by 'homeassistant' on node prom in the live cluster, not by 'edge'.*\[live-vmid-conflict\]$/);
    const t = on('talos-cluster/nodes.yaml', talosText, '200');
    assert.ok(t, lines.join('\n'));
    assert.match(t, /VMID 200 is already used by 'talos-cp-1' on node pve3 in the live cluster, not by 'k8s-cp-1'/);
    // The same name is the same guest: talos-worker-1 on 202 is fine.
    assert.ok(!lines.some((l) => l.includes("'talos-worker-1'")), lines.join('\n'));
    const h = lines.find((l) => l.startsWith('nixos-fleet/hosts.nix:') && l.includes('VMID 120'));
    assert.ok(h, lines.join('\n'));
    assert.match(h, /VMID 120 is already used by 'monitoring' on node prom in the live cluster/);
    assert.equal(h.split(':')[1], String(hosts.text.split('\n').findIndex((l) => l.includes('vmid = 120;')) + 1));
    assert.match(io.stdout(), /0 errors, 3 warnings\.\nChecked against the live cluster at .*: 25 guests on 3 nodes, \d+ storages\. 3 declarations do not match it \(see the warnings above\)\./);
    // json: the same findings, machine-readable, with what they were checked against.
    const json = capture(env());
    assert.equal(await main(['validate', 'site-config/manifests', '--format', 'json', '--url', s.url, ...TOKEN], json), 1, json.stderr());
    const parsed = JSON.parse(json.stdout()) as { warnings: number; live: { url: string; guests: number; mismatches: number }; files: { file: string; diagnostics: { code: string; data?: { guest?: string; node?: string } }[] }[] };
    assert.deepEqual([parsed.warnings, parsed.live.guests, parsed.live.mismatches], [1, 25, 1]);
    const d = parsed.files.find((f) => f.file === 'site-config/manifests/n2-push.yaml')?.diagnostics[0];
    assert.deepEqual([d?.code, d?.data?.guest, d?.data?.node], ['live-vmid-conflict', 'homeassistant', 'prom']);
  } finally {
    manifest.restore();
    hosts.restore();
    rmSync(talos);
  }
});

test('validate --live: a hosts.nix bridge the node lacks is a warning naming its bridges, as in the editor; exit 1', async () => {
  // The simulator's demo node prom has vmbr0 and vmbr1 (GET /nodes/prom/network?type=any_bridge).
  const hosts = edit(repo('nixos-fleet/hosts.nix'), 'storage = "Test";', 'storage = "Test";\n      bridge = "vmbr11";');
  try {
    const io = capture(env());
    assert.equal(await main(['validate', 'nixos-fleet', '--live', ...TOKEN], io), 1, io.stdout() + io.stderr());
    const line = io.stdout().split('\n').find((l) => l.includes('[nix-live-bridge]'));
    assert.ok(line, io.stdout());
    assert.match(line, /warning .*Host igpu: bridge 'vmbr11' does not exist on node prom \(it has vmbr0, vmbr1\)\. Did you mean 'vmbr1'\?/);
  } finally {
    hosts.restore();
  }
});

test('validate --live: hosts.nix node and storage names are checked against the cluster (warnings listing what exists); exit 1', async () => {
  const hosts = edit(repo('nixos-fleet/hosts.nix'), 'storage = "Test";', 'storage = "nvmeprm";');
  try {
    const io = capture(env());
    assert.equal(await main(['validate', 'nixos-fleet', '--live', ...TOKEN], io), 1, io.stdout() + io.stderr());
    const line = io.stdout().split('\n').find((l) => l.includes('[nix-live-storage]'));
    assert.ok(line, io.stdout());
    assert.ok(line.startsWith(`nixos-fleet/hosts.nix:${hosts.text.split('\n').findIndex((l) => l.includes('"nvmeprm"')) + 1}:`), line);
    assert.match(line, /warning .*storage 'nvmeprm' does not exist on node prom \(it has [^)]*nvmeprom[^)]*\)\. Did you mean 'nvmeprom'\?/);
  } finally {
    hosts.restore();
  }
  // Without --live the same file is not compared with any cluster.
  const offline = edit(repo('nixos-fleet/hosts.nix'), 'storage = "Test";', 'storage = "nvmeprm";');
  try {
    const io = capture(env());
    assert.equal(await main(['validate', 'nixos-fleet'], io), 0, io.stdout() + io.stderr());
    assert.doesNotMatch(io.stdout(), /nix-live-storage|live cluster/);
  } finally {
    offline.restore();
  }
});

test('validate --live: a rejected token (401) exits 2 before any file is checked, saying what failed and what to do', async () => {
  writeFileSync(nodePath.join(work, 'bad.token'), 'not-the-secret\n');
  const io = capture(env());
  const code = await main(['validate', '--live', '--token-file', '../bad.token'], io);
  assert.equal(code, 2);
  assert.equal(io.stdout(), '', 'no file is reported as checked');
  const message = io.stderr();
  assert.match(message, /^proxmox-iac validate: --live could not list the cluster's guests, nodes and storages \(GET \/cluster\/resources on https:\/\/127\.0\.0\.1:\d+\/?\): Proxmox rejected the credentials/);
  assert.match(message, /the secret comes from --token-file or PROXMOX_IAC_TOKEN and its ID from --token-id or PROXMOX_IAC_TOKEN_ID\./);
  assert.match(message, /No file was checked: fix the connection, or leave out --live/);
  assert.doesNotMatch(message, /not-the-secret/, 'the secret is never printed');
});

test('validate --live: connection problems found before any request are usage errors (exit 2); the secret never comes from argv', async () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['validate', '--live'], {}, /no server given: pass --url https:\/\/HOST:8006 or set PROXMOX_IAC_URL/],
    [['validate', '--live'], { PROXMOX_IAC_URL: 'https://127.0.0.1:1' }, /no token secret: pass --token-file FILE or set PROXMOX_IAC_TOKEN/],
    [['validate', '--url', 'https://127.0.0.1:1', '--token', 'x'], {}, /unknown option --token/],
    [['validate', '--live', '--format', 'table'], env(), /--format must be text or json, not 'table'/],
  ];
  for (const [args, e, expected] of cases) {
    const io = capture(e);
    assert.equal(await main(args, io), 2, args.join(' '));
    assert.match(io.stderr(), expected);
    assert.match(io.stderr(), /Run 'proxmox-iac validate --help'\./);
  }
});

test('validate --live with an untrusted certificate names the fingerprint the server presents', async () => {
  const io = capture({ PROXMOX_IAC_URL: s.url, PROXMOX_IAC_TOKEN_ID: s.tokens.admin.id });
  assert.equal(await main(['validate', 'site-config', '--live', ...TOKEN], io), 2);
  assert.match(io.stderr(), /--live could not list the cluster's guests, nodes and storages .*pass --fingerprint [0-9A-F:]{95}\./s);
});

test('validate --live with a token that sees no guests says why nothing could conflict', async () => {
  // A token without any privilege: PVE lists an empty cluster to it, not a 403.
  const id = 'nobody@pve!ci';
  s.state.tokens.set(id, { id, secret: 'nobody-secret', acl: [] });
  const io = capture({ PROXMOX_IAC_URL: s.url, PROXMOX_IAC_TOKEN_ID: id, PROXMOX_IAC_FINGERPRINT: s.fingerprint, PROXMOX_IAC_TOKEN: 'nobody-secret' });
  const code = await main(['validate', 'site-config', '--live'], io);
  assert.equal(code, 0, io.stderr());
  assert.match(io.stdout(), /Checked against the live cluster at .*: 0 guests on 3 nodes, 0 storages\./);
  assert.match(io.stderr(), /the cluster listed no guests, so no VMID conflict can be found; if it has guests, the token lacks VM\.Audit \(grant PVEAuditor on \/vms\)\./);
});
