/** SFTP uploads on an open connection: to a temporary name, size-checked, then renamed into place. */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import { SshCancelledError, SshConnectionLostError, SshError, SshProtocolError } from './errors';
import type { ConnectionHandle } from './remoteExec';
import type { UploadOptions } from './types';

function openSftp(c: ConnectionHandle): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    c.client.sftp((err, sftp) => {
      if (err) reject(new SshProtocolError(c.host, c.port, `the SFTP subsystem is not available (${err.message}). Enable "Subsystem sftp" in sshd_config.`, { cause: err }));
      else resolve(sftp);
    });
  });
}

/**
 * Uploads a local file over SFTP. The data goes to a temporary name next to the target and is renamed into
 * place once complete and size-checked, so a cancelled or failed upload never leaves a half file under the
 * real name.
 */
export async function uploadOverSftp(c: ConnectionHandle, localPath: string, remotePath: string, o: UploadOptions = {}): Promise<{ bytes: number }> {
  c.ensureOpen();
  const what = `Uploading ${localPath}`;
  if (o.signal?.aborted) throw new SshCancelledError(c.host, c.port, what);
  const total = (await stat(localPath)).size;
  const sftp = await openSftp(c);
  const partPath = `${remotePath}.part-${randomBytes(4).toString('hex')}`;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    sftp.end(); // fails the outstanding writes, which ends fastPut with an error
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    o.onProgress?.(0, total);
    await new Promise<void>((resolve, reject) => {
      // Cancelling ends the channel; fastPut then waits for its file handles to close on that ended channel,
      // which may never answer (seen as a hung cancel under load), so the abort settles this wait itself.
      const onAbortSettle = (): void => reject(new SshCancelledError(c.host, c.port, what));
      o.signal?.addEventListener('abort', onAbortSettle, { once: true });
      sftp.fastPut(
        localPath,
        partPath,
        { mode: o.mode ?? 0o644, concurrency: 32, chunkSize: 64 * 1024, step: (done) => o.onProgress?.(done, total) },
        (err) => {
          o.signal?.removeEventListener('abort', onAbortSettle);
          if (err) reject(err);
          else resolve();
        },
      );
    });
    const remoteSize = await new Promise<number>((resolve, reject) =>
      sftp.stat(partPath, (err, attrs) => (err ? reject(err) : resolve(attrs.size))),
    );
    if (remoteSize !== total) {
      throw new SshProtocolError(c.host, c.port, `the uploaded file has ${remoteSize} bytes instead of ${total}. Check free space on the server and retry.`);
    }
    await new Promise<void>((resolve, reject) => sftp.ext_openssh_rename(partPath, remotePath, (err) => (err ? reject(err) : resolve())));
    o.onProgress?.(total, total);
    return { bytes: total };
  } catch (err) {
    if (aborted) {
      await removeQuietly(c, partPath);
      throw new SshCancelledError(c.host, c.port, what);
    }
    if (!c.isClosed()) await new Promise<void>((r) => sftp.unlink(partPath, () => r()));
    if (err instanceof SshError) throw err;
    if (c.isClosed()) throw new SshConnectionLostError(c.host, c.port, 'during the upload', { cause: err });
    throw new SshProtocolError(c.host, c.port, `uploading to ${remotePath} failed: ${(err as Error).message}. Check the path and permissions on the server.`, { cause: err });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (!aborted) sftp.end();
  }
}

/** How long a cancelled upload waits to remove its partial file before giving up on it. */
const CLEANUP_MS = 15_000;

/** Best-effort removal of a partial upload on a fresh SFTP channel (the old one was closed to cancel). */
async function removeQuietly(c: ConnectionHandle, path: string): Promise<void> {
  if (c.isClosed()) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const removal = (async () => {
    const sftp = await openSftp(c);
    await new Promise<void>((r) => sftp.unlink(path, () => r()));
    sftp.end();
  })();
  try {
    // Bounded: a cancel must end even when the server no longer answers.
    await Promise.race([removal, new Promise<void>((r) => (timer = setTimeout(r, CLEANUP_MS)))]);
  } catch {
    // The partial file stays; its name says what it is.
  } finally {
    clearTimeout(timer);
    removal.catch(() => undefined);
  }
}
