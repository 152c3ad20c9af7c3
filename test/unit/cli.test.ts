import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { safeJson, safeLines, safeText } from '../../src/cli/safeText';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, cwd: process.cwd() };
}

test('--version prints the package version', async () => {
  const io = capture();
  assert.equal(await main(['--version'], io), 0);
  assert.match(io.stdout.join(''), /^\d+\.\d+\.\d+$/);
});

test('--help lists usage and exits 0', async () => {
  const io = capture();
  assert.equal(await main(['--help'], io), 0);
  assert.match(io.stdout.join(''), /Usage: proxmox-iac COMMAND/);
});

test('an unknown command exits 2 with a message naming it', async () => {
  const io = capture();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.match(io.stderr.join(''), /unknown command 'frobnicate'/);
});

test('safeText escapes C0, DEL, C1 and bidirectional controls and keeps other Unicode; safeLines keeps line breaks; safeJson parses back', () => {
  assert.equal(safeText('a\u001b[2K\rb\n\t\u0007\u007f\u0085\u009b wébserver-東京 ✓'), 'a\\u001b[2K\\rb\\n\\t\\u0007\\u007f\\u0085\\u009b wébserver-東京 ✓');
  assert.equal(safeLines('one\ntwo\u001b]52;c;x\u0007\tthree'), 'one\ntwo\\u001b]52;c;x\\u0007\tthree');
  // A right-to-left override would show `vm-exe.pdf` for `vm-\u202Efdp.exe`; it is shown as its escape.
  assert.equal(safeText('vm-\u202Efdp.exe \u2066x\u2069'), 'vm-\\u202efdp.exe \\u2066x\\u2069');
  assert.equal(safeLines('a\u202Eb\nc'), 'a\\u202eb\nc');
  const value = { name: 'x\u001b\u009b\u007f\u00a0é\u202e' };
  const json = safeJson(value);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(json, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  assert.deepEqual(JSON.parse(json), value);
});
