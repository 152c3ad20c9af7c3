/**
 * Cancelling an SFTP upload ends, whatever the SFTP channel does after it is closed. Under load, ssh2's
 * fastPut was seen never to call back once its channel had been ended to cancel (it waits for its file handles
 * to close on that ended channel): the build-template run then hung for good. A stand-in channel that behaves
 * that way — and a server that no longer answers the cleanup — must still give a prompt SshCancelledError.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Client } from 'ssh2';
import { SshCancelledError } from '../../../src/core/ssh/errors';
import type { ConnectionHandle } from '../../../src/core/ssh/remoteExec';
import { uploadOverSftp } from '../../../src/core/ssh/sftpUpload';

test('a cancelled upload settles even when the SFTP channel never answers again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pxiac-sftp-cancel-'));
  try {
    const file = join(dir, 'image.vma.zst');
    writeFileSync(file, 'x'.repeat(4096));
    let opened = 0;
    let ended = 0;
    const silentSftp = {
      // Reports some progress, then never calls back (as fastPut waiting on an ended channel).
      fastPut: (_local: string, _remote: string, o: { step: (done: number) => void }) => setImmediate(() => o.step(1024)),
      end: () => void ended++,
      unlink: () => undefined, // the cleanup's channel does not answer either
    };
    const handle: ConnectionHandle = {
      client: { sftp: (cb: (err: Error | undefined, sftp: unknown) => void) => (opened++, cb(undefined, silentSftp)) } as unknown as Client,
      host: '127.0.0.1',
      port: 22,
      pending: new Set(),
      ensureOpen: () => undefined,
      isClosed: () => false,
    };
    const controller = new AbortController();
    const started = Date.now();
    const upload = uploadOverSftp(handle, file, '/remote/image.vma.zst', {
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 0) controller.abort();
      },
    });
    await assert.rejects(upload, (err: unknown) => err instanceof SshCancelledError);
    assert.ok(ended >= 1, 'the upload channel was ended to cancel');
    assert.equal(opened, 2, 'one channel for the upload, one for removing the partial file');
    assert.ok(Date.now() - started < 30_000, 'the cleanup that got no answer was given up on');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
