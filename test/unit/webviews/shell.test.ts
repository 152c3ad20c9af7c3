import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, escapeAttribute } from '../../../src/core/webviews/csp';
import { describeMessage, isArrayOf, isOneOf, isString } from '../../../src/core/webviews/guards';
import { isWebviewLogMessage } from '../../../src/core/webviews/common';

test('the CSP lets nothing load but the nonce script and our own styles, fonts and images', () => {
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'AbCdEfGh12345678');
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /script-src 'nonce-AbCdEfGh12345678'(;|$)/);
  assert.ok(!/unsafe-(inline|eval)/.test(csp), csp);
  assert.match(csp, /style-src https:\/\/x\.vscode-cdn\.net;/);
  assert.throws(() => contentSecurityPolicy('x', "a' 'unsafe-inline"), /nonce/);
});

test('an attribute value cannot close its quotes or open a tag', () => {
  assert.equal(escapeAttribute(`"'><script>&`), '&quot;&#39;&gt;&lt;script&gt;&amp;');
});

test('guards reject the wrong shapes and describe them without their content', () => {
  assert.equal(isOneOf(['a', 'b'] as const)('c'), false);
  assert.equal(isArrayOf(isString)(['a', 1]), false);
  assert.equal(isArrayOf(isString, 2)(['a', 'b', 'c']), false);
  assert.equal(describeMessage({ type: 'reveal', secret: 'x' }), 'a "reveal" message of the wrong shape');
  assert.equal(describeMessage(null), 'null instead of a message');
  assert.equal(describeMessage([1]), 'an array instead of a message');
  assert.ok(isWebviewLogMessage({ type: 'log', level: 'warn', message: 'm' }));
  assert.ok(!isWebviewLogMessage({ type: 'log', level: 'debug', message: 'm' }));
  assert.ok(!isWebviewLogMessage({ type: 'log', level: 'warn', message: 'x'.repeat(3000) }));
});
