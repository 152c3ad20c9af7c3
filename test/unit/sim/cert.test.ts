import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { generateSelfSignedCert } from '../../../src/sim/cert';

test('the hand-built certificate is valid DER every time, for 127.0.0.1 and localhost, with a matching fingerprint', () => {
  // Random serials once produced a non-minimal INTEGER ("illegal padding"); many runs guard against that.
  for (let i = 0; i < 150; i++) {
    const c = generateSelfSignedCert();
    tls.createSecureContext({ key: c.key, cert: c.cert });
    const x = new X509Certificate(c.cert);
    assert.equal(x.fingerprint256, c.fingerprint);
    if (i === 0) {
      assert.ok(x.checkIP('127.0.0.1'));
      assert.ok(x.checkHost('localhost'));
      assert.ok(x.verify(x.publicKey), 'self-signed');
      assert.match(x.subject, /CN=pve-sim\.localdomain/);
    }
  }
});
