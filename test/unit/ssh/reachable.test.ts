/**
 * The check before "Open SSH Terminal": where `ssh` would connect (asked of OpenSSH itself) and whether
 * anything answers there, as one sentence a user can act on. Only 127.0.0.1 and names that do not resolve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { checkSshReachable, parseSshConfigDump } from '../../../src/core/ssh/reachable';

function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => undefined); // the probe hangs up at once
    s.end('SSH-2.0-OpenSSH_9.2\r\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

test('parses the host, port and proxy settings of `ssh -G` output', () => {
  assert.deepEqual(parseSshConfigDump('user root\nhostname 10.0.0.5\nport 2222\nproxyjump none\n'), { hostname: '10.0.0.5', port: 2222, proxied: false });
  assert.deepEqual(parseSshConfigDump('hostname pve1\nport 22\nproxyjump bastion\n'), { hostname: 'pve1', port: 22, proxied: true });
  assert.deepEqual(parseSshConfigDump('hostname pve1\nproxycommand nc %h %p\n'), { hostname: 'pve1', port: 22, proxied: true });
  assert.equal(parseSshConfigDump('user root\n'), undefined);
});

test('a listening SSH port is reachable', async () => {
  const { server, port } = await listen();
  try {
    const r = await checkSshReachable('node local', ['-p', String(port), '--', 'root@127.0.0.1']);
    assert.deepEqual(r, { ok: true, route: { hostname: '127.0.0.1', port, proxied: false } });
  } finally {
    server.close();
  }
});

test('a closed port says that no SSH server listens there', async () => {
  const { server, port } = await listen();
  await new Promise<void>((r) => server.close(() => r()));
  const r = await checkSshReachable('node local', ['-p', String(port), '--', 'root@127.0.0.1']);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, new RegExp(`^Cannot open an SSH terminal to node local: 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1\\) port ${port} is not reachable \\(the connection was refused: no SSH server listens there\\)`));
});

test('a node name that does not resolve says so and how to fix it', async () => {
  const r = await checkSshReachable('node father', ['--', 'root@father.proxmox-iac.invalid']);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /^Cannot open an SSH terminal to node father: the name "father\.proxmox-iac\.invalid" does not resolve from this machine\. Add a "Host father\.proxmox-iac\.invalid" entry .* ~\/\.ssh\/config/);
});
