/**
 * `proxmox-iac resources | agent | task | simulate` run in-process against the simulator, as a user or a
 * CI script would: exit codes, JSON/table output, messages, and the secret never on a command line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { RunningSimulator } from '../../../src/sim/index';
import { capturedIo, clientFor, sim, simEnv, VM, type CapturedIO } from './helpers';

let s: RunningSimulator;
let dir: string;

before(async () => {
  s = await sim();
  dir = mkdtempSync(join(tmpdir(), 'pve-cli-'));
  writeFileSync(join(dir, 'admin.token'), `${s.tokens.admin.secret}\n`);
});
after(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const io = (env: NodeJS.ProcessEnv = {}): CapturedIO => capturedIo(dir, env);

const envFor = (): NodeJS.ProcessEnv => simEnv(s);

test('resources lists the demo cluster as JSON, connection from the environment and a token file', async () => {
  const x = io(envFor());
  assert.equal(await main(['resources', '--token-file', 'admin.token'], x), 0, x.stderr());
  const snap = JSON.parse(x.stdout()) as { guests: { vmid: number; name: string }[]; nodes: unknown[] };
  assert.equal(snap.nodes.length, 3);
  assert.ok(snap.guests.some((g) => g.vmid === 9003 && g.name === 'nixos-template'));
});

test('resources --format table, everything from flags, secret from PROXMOX_IAC_TOKEN', async () => {
  const x = io({ PROXMOX_IAC_TOKEN: s.tokens.admin.secret });
  const code = await main(['resources', '--url', s.url, '--token-id', s.tokens.admin.id, '--fingerprint', s.fingerprint, '--format', 'table', '--type', 'vm'], x);
  assert.equal(code, 0, x.stderr());
  assert.match(x.stdout(), /^VMID\s+NAME\s+TYPE\s+NODE\s+STATUS/);
  assert.match(x.stdout(), /9002\s+ubuntu-cloud-template\s+qemu \(template\)\s+prom/);
});

test('agent VMID prints host name, OS and addresses', async () => {
  const x = io(envFor());
  assert.equal(await main(['agent', '104', '--token-file', 'admin.token'], x), 0, x.stderr());
  const data = JSON.parse(x.stdout()) as { node: string; hostname: string; osinfo: { id: string }; interfaces: { name: string }[] };
  assert.equal(data.node, 'prom');
  assert.equal(data.hostname, 'proxmox-vm');
  assert.equal(data.osinfo.id, 'nixos');
  assert.deepEqual(data.interfaces.map((i) => i.name), ['lo', 'eth0']);
});

test('agent on a stopped VM exits 1 with the typed error\'s message', async () => {
  const x = io(envFor());
  assert.equal(await main(['agent', '111', '--token-file', 'admin.token'], x), 1);
  assert.match(x.stderr(), /proxmox-iac agent: VM 111 is not running, so its guest agent cannot answer\. Start the VM and try again\./);
});

test('task UPID shows the status; --wait follows it; a failed task exits 1', async () => {
  const upid = await clientFor(s).power(VM(104), 'start'); // already running → fails
  const x = io(envFor());
  assert.equal(await main(['task', upid, '--wait', '--token-file', 'admin.token'], x), 1);
  const data = JSON.parse(x.stdout()) as { status: string; exitstatus: string; ok: boolean; log: string[] };
  assert.deepEqual([data.status, data.exitstatus, data.ok], ['stopped', 'VM 104 already running', false]);
  assert.equal(data.log.at(-1), 'TASK ERROR: VM 104 already running');
  assert.match(x.stderr(), /qmstart 104: running/);
  const ok = await clientFor(s).power(VM(109), 'reboot');
  const y = io(envFor());
  assert.equal(await main(['task', ok, '--wait', '--token-file', 'admin.token', '--format', 'table'], y), 0, y.stderr());
  assert.match(y.stdout(), /qmreboot\s+109\s+root@pam\s+stopped\s+OK/);
});

test('usage errors exit 2 with a sentence: missing secret, bad UPID, bad VMID, unknown flag', async () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['resources'], { PROXMOX_IAC_URL: s.url, PROXMOX_IAC_TOKEN_ID: s.tokens.admin.id }, /no token secret: pass --token-file FILE or set PROXMOX_IAC_TOKEN/],
    [['resources', '--token-file', 'admin.token'], {}, /no server given/],
    [['task', 'not-a-upid', '--token-file', 'admin.token'], envFor(), /is not a UPID/],
    [['agent', '12', '--token-file', 'admin.token'], envFor(), /'12' is not a VMID/],
    [['resources', '--secret', 'x'], envFor(), /unknown option --secret/],
    [['resources', '--token-file', 'missing.token'], envFor(), /cannot read the token file missing\.token: ENOENT/],
  ];
  for (const [args, env, re] of cases) {
    const x = io(env);
    assert.equal(await main(args, x), 2, args.join(' '));
    assert.match(x.stderr(), re);
  }
});

test('an untrusted certificate exits 1 and shows the fingerprint to trust', async () => {
  const x = io({ PROXMOX_IAC_URL: s.url, PROXMOX_IAC_TOKEN_ID: s.tokens.admin.id });
  assert.equal(await main(['resources', '--token-file', 'admin.token'], x), 1);
  assert.ok(x.stderr().includes(`pass --fingerprint ${s.fingerprint}`), x.stderr());
  assert.ok(!x.stderr().includes(s.tokens.admin.secret));
});

test('a 403 exits 1 naming the missing privilege', async () => {
  writeFileSync(join(dir, 'limited.token'), s.tokens.limited.secret);
  const x = io({ ...envFor(), PROXMOX_IAC_TOKEN_ID: s.tokens.limited.id });
  assert.equal(await main(['agent', '150', '--node', 'pve3', '--token-file', 'limited.token'], x), 1);
  assert.match(x.stderr(), /lacks VM\.GuestAgent\.Audit or VM\.GuestAgent\.Unrestricted on \/vms\/150/);
});

test('simulate prints URL, fingerprint and token id, writes the secret only to --token-file (0600)', async () => {
  const x = io();
  const code = await main(['simulate', '--port', '0', '--seed', '30', '--nodes', '3', '--token-file', 'sim.token', '--print-token', '--auth-delay-ms', '10', '--duration', '0.3'], x);
  assert.equal(code, 0, x.stderr());
  const secret = readFileSync(join(dir, 'sim.token'), 'utf8').trim();
  assert.match(secret, /^[0-9a-f-]{36}$/);
  assert.equal(statSync(join(dir, 'sim.token')).mode & 0o777, 0o600);
  const out = x.stdout();
  assert.match(out, /30 guests on 3 nodes\) listening on https:\/\/127\.0\.0\.1:\d+/);
  assert.match(out, /Certificate SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  assert.match(out, /PROXMOX_IAC_TOKEN_ID=root@pam!proxmox-iac/);
  assert.ok(!out.includes(secret), 'the secret is not printed');
});
