/**
 * `proxmox-iac simulate --token-file FILE` leaves a file only its owner can read, whatever was at FILE
 * before: an existing world-readable file is replaced (not rewritten with its 0644 mode), and a symlink is
 * replaced (not followed into the file it points at).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'token-file-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function simulateTo(tokenFile: string): Promise<void> {
  const err: string[] = [];
  const io: CliIO = { out: () => undefined, err: (t) => err.push(t), env: {}, cwd: dir };
  const code = await main(['simulate', '--port', '0', '--seed', '3', '--token-file', tokenFile, '--auth-delay-ms', '10', '--duration', '0.05'], io);
  assert.equal(code, 0, err.join('\n'));
}

test('an existing 0644 token file is replaced by a 0600 one', async () => {
  const file = join(dir, 'old.token');
  writeFileSync(file, 'previous\n');
  chmodSync(file, 0o644);
  await simulateTo('old.token');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8'), /^[0-9a-f-]{36}\n$/);
});

test('a symlink at the token file path is replaced, not followed', async () => {
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'do not overwrite\n');
  chmodSync(victim, 0o644);
  symlinkSync(victim, join(dir, 'link.token'));
  await simulateTo('link.token');
  assert.equal(readFileSync(victim, 'utf8'), 'do not overwrite\n');
  assert.equal(statSync(victim).mode & 0o777, 0o644);
  const st = lstatSync(join(dir, 'link.token'));
  assert.ok(st.isFile() && !st.isSymbolicLink());
  assert.equal(st.mode & 0o777, 0o600);
  // No temporary file is left behind.
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
});
