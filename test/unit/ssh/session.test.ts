// SshSession against a real OpenSSH server (Debian's sshd) started on 127.0.0.1 by test/support/sshd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  SshAuthError,
  SshCancelledError,
  SshCommandFailedError,
  SshConnectionLostError,
  SshHostKeyMismatchError,
  SshHostKeyRejectedError,
  SshKeyFileError,
  SshSession,
  SshTimeoutError,
  SshUnreachableError,
  type HostKeyInfo,
  type SshConnectOptions,
} from '../../../src/core/ssh';
import { descendants, processAlive, startSshd, type TestSshd } from '../../support/sshd';
import { HOSTILE_ARGUMENTS } from '../../support/sshd/hostile';

let sshd: TestSshd;
let knownHosts: string;
const open: SshSession[] = [];

before(async () => {
  sshd = await startSshd({ hostKeyTypes: ['ed25519', 'ecdsa'] });
  knownHosts = join(sshd.dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine(0)}\n`);
});

after(async () => {
  for (const s of open) s.close();
  await sshd.stop();
});

function options(overrides: Partial<SshConnectOptions> = {}): SshConnectOptions {
  return {
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    identityFiles: [sshd.clientKey.path],
    agent: false,
    knownHostsFiles: [knownHosts],
    connectTimeoutMs: 30_000, // a hang guard only: sshd on a loaded machine may take seconds; timeout tests set their own
    ...overrides,
  };
}

async function connect(overrides: Partial<SshConnectOptions> = {}): Promise<SshSession> {
  const session = await SshSession.connect(options(overrides));
  open.push(session);
  return session;
}

let shared: SshSession | undefined;
async function session(): Promise<SshSession> {
  shared ??= await connect();
  return shared;
}

const neverAsk = (info: HostKeyInfo): Promise<boolean> => {
  throw new Error(`confirmHostKey must not be called for a known host (asked about ${info.fingerprint})`);
};

test('connects with a key file when known_hosts lists the server, and reports the verified key', async () => {
  const s = await connect({ confirmHostKey: neverAsk });
  assert.deepEqual(s.hostKey, { keyType: 'ssh-ed25519', fingerprint: sshd.hostKeys[0].fingerprint });
  const r = await s.run(['qm', 'status', '100']);
  assert.deepEqual(r, { code: 0, signal: null, stdout: 'status: running\n', stderr: '' });
});

test('a server with several host keys presents the one known_hosts has (no prompt for the other type)', async () => {
  const file = join(sshd.dir, 'known_hosts_ecdsa');
  writeFileSync(file, `${sshd.knownHostsLine(1)}\n`);
  const s = await connect({ knownHostsFiles: [file], confirmHostKey: neverAsk });
  assert.equal(s.hostKey.keyType, 'ecdsa-sha2-nistp256');
  assert.equal(s.hostKey.fingerprint, sshd.hostKeys[1].fingerprint);
});

test('a hashed known_hosts entry (ssh-keygen -H) is trusted', async () => {
  const file = join(sshd.dir, 'known_hosts_hashed');
  writeFileSync(file, `${sshd.knownHostsLine(0)}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  assert.ok(!readFileSync(file, 'utf8').includes('127.0.0.1'));
  const s = await connect({ knownHostsFiles: [file], confirmHostKey: neverAsk });
  assert.equal(s.hostKey.fingerprint, sshd.hostKeys[0].fingerprint);
});

test('hostile names reach the remote program verbatim, as argument vectors, on both exec paths', async () => {
  const s = await session();
  sshd.clearFakeCalls();
  const argv = ['qm', 'set', '100', ...HOSTILE_ARGUMENTS];
  assert.equal((await s.run(argv)).code, 0);
  // With a signal the command runs under the kill-on-close wrapper: the arguments must survive that too.
  assert.equal((await s.run(argv, { signal: new AbortController().signal, timeoutMs: 10_000 })).code, 0);
  const calls = sshd.fakeCalls();
  assert.equal(calls.length, 2);
  for (const call of calls) assert.deepEqual(call, { prog: 'qm', argv: argv.slice(1) });
  assert.ok(existsSync('/'), 'and nothing was removed');
});

test('exit codes come back and stderr streams while the command still runs', async () => {
  const s = await session();
  const events: string[] = [];
  // stdout and stderr travel as separate streams whose relative order is not kept, so the command waits until
  // this side has received each write (a file appears) before the next one: streaming, without guessing a pause.
  const seen = (name: string) => join(sshd.dir, `streamed-${name}`);
  const waitFor = (name: string) => `while [ ! -e '${seen(name)}' ]; do sleep 0.05; done`;
  const result = await s.exec(['sh', '-c', `echo progress; ${waitFor('progress')}; echo warning >&2; ${waitFor('warning')}; echo done; exit 7`], {
    onStdout: (d) => {
      events.push(`out:${d.toString().trim()}`);
      if (d.toString().includes('progress')) writeFileSync(seen('progress'), '');
    },
    onStderr: (d) => {
      events.push(`err:${d.toString().trim()}`);
      if (d.toString().includes('warning')) writeFileSync(seen('warning'), '');
    },
  });
  assert.deepEqual(result, { code: 7, signal: null });
  assert.deepEqual(events.filter((e) => e !== 'out:'), ['out:progress', 'err:warning', 'out:done']);

  const missing = await s.run(['qm', 'start', '999']);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "Configuration file 'nodes/pve/qemu-server/999.conf' does not exist\n");
  const running = await s.run(['qm', 'start', '100']);
  assert.deepEqual([running.code, running.stderr], [255, 'VM 100 already running\n']);

  await assert.rejects(
    s.runChecked(['qm', 'set', '999', '--cipassword', 'hunter2']),
    (e: unknown) => e instanceof SshCommandFailedError && e.code === 2 && /^`qm set` failed on 127\.0\.0\.1:\d+ \(exit 2\): Configuration file/.test(e.message) && !e.message.includes('hunter2'),
  );
  await assert.rejects(
    s.runChecked(['qm', 'start', '999']),
    (e: unknown) => e instanceof SshCommandFailedError && e.message.endsWith("Configuration file 'nodes/pve/qemu-server/999.conf' does not exist"),
  );
  assert.equal((await s.runChecked(['qm', 'status', '100'])).stdout, 'status: running\n');

  const killed = await s.run(['sh', '-c', 'kill -TERM $$']);
  assert.deepEqual([killed.code, killed.signal], [null, 'SIGTERM']);
});

test('stdin is passed to the command and then closed', async () => {
  const s = await session();
  const r = await s.run(['sh', '-c', 'wc -c; cat >/dev/null'], { stdin: 'hello\n' });
  assert.equal(r.stdout.trim(), '6');
  const none = await s.run(['cat']);
  assert.equal(none.code, 0, 'without stdin the command sees EOF at once instead of hanging');
});

test('qm, qmrestore and pvesh argument vectors run against the fake tools', async () => {
  const s = await session();
  sshd.clearFakeCalls();
  const resources = await s.run(['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json']);
  assert.equal(resources.code, 0);
  const vms = JSON.parse(resources.stdout) as { vmid: number; type: string }[];
  assert.ok(vms.length > 0 && vms.every((r) => r.type === 'qemu'));
  const start = await s.run(['pvesh', 'create', '/nodes/pve/qemu/101/status/start', '--output-format', 'json']);
  assert.match(JSON.parse(start.stdout) as string, /^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmstart:101:root@pam:$/);
  const clone = await s.run(['qm', 'clone', '9000', '120', '--name', 'web-2', '--full', '1', '--storage', 'local-lvm']);
  assert.equal(clone.code, 0);
  assert.match(clone.stdout, /create full clone of drive scsi0/);
  const restore = await s.run(['qmrestore', '/var/lib/vz/dump/vzdump-qemu-100.vma.zst', '130', '--unique', '1', '--storage', 'local-lvm']);
  assert.match(restore.stdout, /new volume ID is 'local-lvm:vm-130-disk-0'/);
  assert.deepEqual(sshd.fakeCalls(), [
    { prog: 'pvesh', argv: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'] },
    { prog: 'pvesh', argv: ['create', '/nodes/pve/qemu/101/status/start', '--output-format', 'json'] },
    { prog: 'qm', argv: ['clone', '9000', '120', '--name', 'web-2', '--full', '1', '--storage', 'local-lvm'] },
    { prog: 'qmrestore', argv: ['/var/lib/vz/dump/vzdump-qemu-100.vma.zst', '130', '--unique', '1', '--storage', 'local-lvm'] },
  ]);
});

test('an unknown host asks confirmHostKey; accepting saves it so the next connection does not ask', async () => {
  const empty = join(sshd.dir, 'known_hosts_empty');
  const saved = join(sshd.dir, 'subdir', 'known_hosts_saved');
  writeFileSync(empty, '');
  execFileSync('mkdir', ['-p', join(sshd.dir, 'subdir')]);
  writeFileSync(saved, 'other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPQwZnJ0b2tlbnBsYWNlaG9sZGVyMDAwMDAwMA'); // no final newline
  const asked: HostKeyInfo[] = [];
  const s = await connect({
    knownHostsFiles: [empty],
    knownHostsWriteFile: saved,
    // The time spent deciding must not count against the timeout: the decision takes longer than the whole
    // timeout, which in turn leaves the handshake and login seconds, enough on a loaded machine.
    connectTimeoutMs: 3_000,
    confirmHostKey: async (info) => {
      asked.push(info);
      await new Promise((r) => setTimeout(r, 3_500));
      return true;
    },
  });
  assert.deepEqual(asked, [
    { host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.hostKeys[0].fingerprint, otherKnownKeyTypes: [] },
  ]);
  assert.equal((await s.run(['true'])).code, 0);
  assert.equal(readFileSync(saved, 'utf8').split('\n')[1], sshd.knownHostsLine(0), 'appended on a line of its own');
  const again = await connect({ knownHostsFiles: [saved], confirmHostKey: neverAsk });
  assert.equal(again.hostKey.fingerprint, sshd.hostKeys[0].fingerprint);
});

test('an unknown host the user rejects is refused and nothing is saved; without a callback it is refused too', async () => {
  const empty = join(sshd.dir, 'known_hosts_empty2');
  const saved = join(sshd.dir, 'known_hosts_not_saved');
  writeFileSync(empty, '');
  let asked = 0;
  await assert.rejects(
    connect({ knownHostsFiles: [empty], knownHostsWriteFile: saved, confirmHostKey: () => {
        asked++;
        return Promise.resolve(false);
      } }),
    (e: unknown) => e instanceof SshHostKeyRejectedError && e.message.includes(sshd.hostKeys[0].fingerprint) && /chose not to trust/.test(e.message),
  );
  assert.equal(asked, 1);
  assert.ok(!existsSync(saved));
  await assert.rejects(connect({ knownHostsFiles: [empty] }), SshHostKeyRejectedError);
});

test('a CHANGED host key is refused without asking, showing the expected and the presented fingerprint', async () => {
  const impostor = await sshd.generateKey('impostor_host', { authorize: false });
  const file = join(sshd.dir, 'known_hosts_changed');
  writeFileSync(file, `[127.0.0.1]:${sshd.port} ${impostor.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
  await assert.rejects(
    connect({ knownHostsFiles: [file], confirmHostKey: neverAsk }),
    (e: unknown) =>
      e instanceof SshHostKeyMismatchError &&
      e.expected[0].fingerprint === impostor.fingerprint &&
      e.presented.fingerprint === sshd.hostKeys[0].fingerprint &&
      e.message.includes(impostor.fingerprint) &&
      e.message.includes(sshd.hostKeys[0].fingerprint) &&
      /CHANGED/.test(e.message),
  );
});

test('a pinned fingerprint connects without known_hosts; a different pinned key is refused', async () => {
  const s = await connect({ knownHostsFiles: [], pinnedHostKey: sshd.hostKeys[0].fingerprint.replace('SHA256:', ''), confirmHostKey: neverAsk });
  assert.equal(s.hostKey.fingerprint, sshd.hostKeys[0].fingerprint);
  const ecdsa = await connect({ pinnedHostKey: sshd.hostKeys[1].fingerprint, pinnedHostKeyType: 'ecdsa-sha2-nistp256', confirmHostKey: neverAsk });
  assert.equal(ecdsa.hostKey.fingerprint, sshd.hostKeys[1].fingerprint, 'the server presented the pinned key type');
  const other = await sshd.generateKey('pinned_other', { authorize: false });
  await assert.rejects(
    connect({ pinnedHostKey: other.fingerprint, confirmHostKey: neverAsk }),
    (e: unknown) => e instanceof SshHostKeyMismatchError && e.message.includes(other.fingerprint),
  );
});

test('a key the server does not accept gives SshAuthError naming the user and what was tried', async () => {
  const stranger = await sshd.generateKey('stranger', { authorize: false });
  await assert.rejects(
    connect({ identityFiles: [stranger.path] }),
    (e: unknown) => e instanceof SshAuthError && e.user === sshd.user && e.message.includes(`key ${stranger.path}`) && /authorized_keys/.test(e.message),
  );
  await assert.rejects(connect({ identityFiles: [join(sshd.dir, 'no-such-key')] }), SshKeyFileError);
});

test('an encrypted key asks for its passphrase; a wrong one is reported, declining skips the key', async () => {
  const locked = await sshd.generateKey('locked', { passphrase: 'correct horse', kdfRounds: 4 });
  const asked: string[] = [];
  const s = await connect({ identityFiles: [locked.path], passphrase: (file) => (asked.push(file), Promise.resolve('correct horse')) });
  assert.deepEqual(asked, [locked.path]);
  assert.equal((await s.run(['true'])).code, 0);
  await assert.rejects(connect({ identityFiles: [locked.path], passphrase: () => Promise.resolve('wrong') }), (e: unknown) => e instanceof SshKeyFileError && /passphrase is wrong/.test(e.message) && !e.message.includes('correct horse'));
  await assert.rejects(connect({ identityFiles: [locked.path], passphrase: () => Promise.resolve(undefined) }), SshAuthError);
});

test('authenticates through a real ssh-agent (SSH_AUTH_SOCK)', async () => {
  const { execa } = await import('execa');
  const socket = join(sshd.dir, 'agent.sock');
  const agentKey = await sshd.generateKey('agent_key');
  const agent = execa('ssh-agent', ['-D', '-a', socket], { reject: false, stdio: 'ignore' });
  try {
    const deadline = Date.now() + 5_000;
    while (!existsSync(socket)) {
      if (Date.now() > deadline) throw new Error('ssh-agent did not create its socket');
      await new Promise((r) => setTimeout(r, 20));
    }
    await execa('ssh-add', [agentKey.path], { env: { SSH_AUTH_SOCK: socket } });
    const s = await connect({ identityFiles: [], agent: socket });
    assert.equal((await s.run(['true'])).code, 0);
    s.close();
  } finally {
    agent.kill();
    await agent;
  }
});

test('a dead ssh-agent socket is skipped and the key file still logs in', async () => {
  const s = await connect({ agent: join(sshd.dir, 'no-agent.sock') });
  assert.equal((await s.run(['true'])).code, 0);
});

test('keep-alives notice a connection that stopped answering: the command fails and onClose reports it', async () => {
  // A TCP relay that can be frozen, standing in for a network that silently drops packets.
  let frozen = false;
  const pairs: Socket[] = [];
  const relay = createServer((client) => {
    const upstream = connectTcp(sshd.port, '127.0.0.1');
    pairs.push(client, upstream);
    client.on('data', (d) => !frozen && upstream.write(d));
    upstream.on('data', (d) => !frozen && client.write(d));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const port = (relay.address() as { port: number }).port;
  const file = join(sshd.dir, 'known_hosts_relay');
  writeFileSync(file, `[127.0.0.1]:${port} ${sshd.hostKeys[0].publicLine.split(' ').slice(0, 2).join(' ')}\n`);
  try {
    let closedWith: unknown = 'not called';
    // Intervals long enough that a loaded machine answers every keep-alive before the relay freezes.
    const s = await connect({ port, knownHostsFiles: [file], keepaliveIntervalMs: 500, keepaliveCountMax: 3, onClose: (e) => (closedWith = e) });
    assert.equal((await s.run(['true'])).code, 0);
    const running = s.exec(['sleep', '30'], { signal: new AbortController().signal });
    frozen = true;
    const t0 = Date.now();
    await assert.rejects(running, (e: unknown) => e instanceof SshTimeoutError && e.phase === 'keepalive');
    assert.ok(Date.now() - t0 < 15_000, 'noticed within a few keep-alive intervals, not when the command would end');
    assert.ok(closedWith instanceof SshTimeoutError);
    assert.ok(s.isClosed);
  } finally {
    for (const p of pairs) p.destroy();
    await new Promise((r) => relay.close(r));
  }
});

test('a closed port gives SshUnreachableError', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  await assert.rejects(connect({ port }), (e: unknown) => e instanceof SshUnreachableError && e.code === 'ECONNREFUSED' && e.message.includes(`:${port}`));
});

test('a server that never answers times out at connect; aborting cancels the attempt', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((sock) => sockets.push(sock));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  try {
    const started = Date.now();
    await assert.rejects(connect({ port, connectTimeoutMs: 300 }), (e: unknown) => e instanceof SshTimeoutError && e.phase === 'connect');
    assert.ok(Date.now() - started < 10_000, 'at the connect timeout, not the default 15 s');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(connect({ port, signal: ac.signal }), SshCancelledError);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

// Generous deadlines: they only bound a failing run, and sshd on a loaded machine may take seconds.
async function readPid(file: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(file) || !readFileSync(file, 'utf8').trim()) {
    if (Date.now() > deadline) throw new Error('the remote command did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return Number(readFileSync(file, 'utf8'));
}

async function waitGone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

test('aborting mid-command rejects with SshCancelledError and the remote process ends', async () => {
  const s = await session();
  const pidFile = join(sshd.dir, 'cancel.pid');
  const ac = new AbortController();
  let output = '';
  const running = s.exec(['sh', '-c', `echo $$ > ${pidFile}; echo started; exec sleep 60`], { signal: ac.signal, onStdout: (d) => (output += d.toString()) });
  const pid = await readPid(pidFile);
  assert.ok(processAlive(pid));
  // Wait for the first output, so the assertion below shows output streamed before the cancel arrives.
  for (const deadline = Date.now() + 30_000; !output && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
  const t0 = Date.now();
  ac.abort();
  await assert.rejects(running, SshCancelledError);
  assert.ok(Date.now() - t0 < 10_000, 'cancel returns promptly, not when the 60 s command would end');
  assert.ok(await waitGone(pid), 'the remote sleep was killed');
  assert.equal(output, 'started\n');
  assert.equal((await s.run(['true'])).code, 0, 'the connection stays usable');
});

test('a command that exceeds timeoutMs is killed and rejects with SshTimeoutError', async () => {
  const s = await session();
  // timeoutMs counts from exec(), and opening a session can take sshd longer than a short timeout: then the
  // command is stopped before it starts and there is no process to check. So the timeout grows until one fires
  // while the command runs (its pid file exists when exec() rejects), and that process must then end.
  let checked = false;
  const tried: string[] = [];
  for (const timeoutMs of [400, 2_000, 8_000, 30_000]) {
    const pidFile = join(sshd.dir, `timeout-${timeoutMs}.pid`);
    tried.push(pidFile);
    const running = s.exec(['sh', '-c', `echo $$ > ${pidFile}; exec sleep 60`], { timeoutMs });
    await assert.rejects(running, (e: unknown) => e instanceof SshTimeoutError && e.phase === 'command' && e.timeoutMs === timeoutMs);
    if (!existsSync(pidFile)) continue;
    assert.ok(await waitGone(await readPid(pidFile)), `the remote command was killed (timeout ${timeoutMs} ms)`);
    checked = true;
    break;
  }
  assert.ok(checked, 'the command started before a 30 s timeout');
  // A command stopped before it started must not start and keep running later either.
  for (const pidFile of tried.filter((f) => existsSync(f))) assert.ok(await waitGone(await readPid(pidFile)), `${pidFile}: the process ended`);
  assert.equal((await s.run(['true'])).code, 0, 'the connection stays usable');
});

test('closing the session fails a running command with SshConnectionLostError and ends it remotely', async () => {
  const s = await connect();
  const pidFile = join(sshd.dir, 'close.pid');
  // A cancellable command (signal given) runs under the kill-on-close wrapper, so it also ends when the connection does.
  const running = s.exec(['sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`], { signal: new AbortController().signal });
  const pid = await readPid(pidFile);
  s.close();
  await assert.rejects(running, SshConnectionLostError);
  assert.ok(s.isClosed);
  assert.throws(() => s.exec(['true']), SshConnectionLostError);
  assert.ok(await waitGone(pid), 'the remote command ended with the connection');
});

test('SFTP upload of a few MB reports progress up to the total and lands intact', async () => {
  const s = await session();
  const local = join(sshd.dir, 'image.qcow2');
  const data = randomBytes(5 * 1024 * 1024 + 123);
  writeFileSync(local, data);
  const remote = join(sshd.dir, 'uploaded', 'image.qcow2');
  execFileSync('mkdir', ['-p', join(sshd.dir, 'uploaded')]);
  const progress: [number, number][] = [];
  const result = await s.upload(local, remote, { onProgress: (done, total) => progress.push([done, total]) });
  assert.equal(result.bytes, data.length);
  assert.ok(progress.length > 2, 'several progress reports');
  assert.ok(progress.every(([, total]) => total === data.length));
  assert.ok(progress.every(([done], i) => i === 0 || done >= progress[i - 1][0]), 'progress never goes back');
  assert.deepEqual(progress.at(-1), [data.length, data.length]);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.equal(sha(readFileSync(remote)), sha(data));
  assert.deepEqual(readdirSync(join(sshd.dir, 'uploaded')), ['image.qcow2'], 'no temporary file is left');
});

test('a cancelled SFTP upload rejects and leaves neither the file nor a partial one', async () => {
  const s = await session();
  const local = join(sshd.dir, 'big.iso');
  writeFileSync(local, randomBytes(48 * 1024 * 1024));
  const dir = join(sshd.dir, 'cancelled');
  execFileSync('mkdir', ['-p', dir]);
  const ac = new AbortController();
  let reported = 0;
  await assert.rejects(
    s.upload(local, join(dir, 'big.iso'), {
      signal: ac.signal,
      onProgress: (done) => {
        reported = done;
        if (done > 0) ac.abort();
      },
    }),
    SshCancelledError,
  );
  assert.ok(reported > 0 && reported < 48 * 1024 * 1024, `stopped part way (at ${reported} bytes)`);
  const deadline = Date.now() + 20_000;
  while (readdirSync(dir).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(readdirSync(dir), []);
  assert.equal((await s.run(['true'])).code, 0, 'the connection stays usable');
});

test('ssh2 is not loaded until a connection is made (the extension bundle stays light at activation)', () => {
  const script = "require('./src/core/ssh'); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('/node_modules/ssh2/'))))";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '../../..'), encoding: 'utf8' });
  assert.equal(out, 'false');
});

// Runs last: it stops the shared server (after() then has nothing left to stop).
test('stopping the test server leaves no sshd process behind, even with a connection open', async () => {
  const s = await connect();
  assert.equal((await s.run(['true'])).code, 0);
  const perConnection = descendants(sshd.pid);
  assert.ok(perConnection.length > 0, 'open connections have their own sshd processes');
  const dir = sshd.dir;
  await sshd.stop();
  for (const pid of [sshd.pid, ...perConnection]) assert.ok(await waitGone(pid), `process ${pid} ended`);
  assert.ok(!existsSync(dir), 'the temp dir is removed');
});
