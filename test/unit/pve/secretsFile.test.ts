/**
 * A malformed PROXMOX_IAC_SECRETS_FILE is reported without any of its text: JSON.parse's own message
 * quotes the start of the input, which is a secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSecretsFile } from '../../../src/core/pve/secretsFile';

const SECRET = '5eb1a7c4-0d7e-4a52-9c3f-2b8e1f0a9d6c';

test('malformed secrets files are described, never quoted', () => {
  // What the extension logged before: JSON.parse's message, which repeats the secret.
  assert.throws(() => JSON.parse(`demo=${SECRET}`), /demo=5eb1a/);
  for (const text of [`demo=${SECRET}`, `x${SECRET}`, `${SECRET}`, `{"demo": ${SECRET}}`, `{"demo": "${SECRET}"`, `{demo: "${SECRET}"}`, `"${SECRET}`, `{"demo": "${SECRET}",}`, `["${SECRET}"]`, `"${SECRET}"`, '']) {
    const r = parseSecretsFile(text);
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.doesNotMatch(r.problem, /5eb1a|0d7e|9d6c/, `the problem for ${JSON.stringify(text)} quotes the secret: ${r.problem}`);
    assert.match(r.problem, /^it (is|ends)/);
  }
});

test('a well-formed file yields its string secrets', () => {
  const r = parseSecretsFile(JSON.stringify({ demo: SECRET, empty: '', bad: 5 }));
  assert.ok(r.ok);
  if (r.ok) assert.deepEqual([...r.secrets], [['demo', SECRET]]);
});
