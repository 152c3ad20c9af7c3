import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildRemoteCommand, shellQuote, UnquotableArgumentError } from '../../../src/core/ssh/quote';
import { HOSTILE_ARGUMENTS } from '../../support/sshd/hostile';


test('every argument is single-quoted, embedded quotes become \'\\\'\'', () => {
  assert.equal(shellQuote('qm'), "'qm'");
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(buildRemoteCommand(['qm', 'set', '100', '--name', 'a b']), "'qm' 'set' '100' '--name' 'a b'");
});

test('a local POSIX shell hands hostile arguments to the program verbatim', () => {
  // The same parsing the remote login shell does; the SSH tests repeat this against a real sshd.
  for (const shell of ['/bin/sh', '/bin/bash']) {
    const command = buildRemoteCommand(['node', '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...HOSTILE_ARGUMENTS]);
    const out = execFileSync(shell, ['-c', command], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), HOSTILE_ARGUMENTS, `${shell} changed an argument`);
  }
});

test('NUL bytes, empty commands and non-strings are refused with a clear error', () => {
  assert.throws(() => shellQuote('a\0b'), (e: unknown) => e instanceof UnquotableArgumentError && /NUL character/.test(e.message));
  assert.throws(() => buildRemoteCommand([]), /empty command/);
  assert.throws(() => buildRemoteCommand(['', 'x']), /program name is empty/);
  assert.throws(() => shellQuote(42 as unknown as string), /must be strings/);
});
