/**
 * `proxmox-iac task UPID`: a task's status (and the end of its log once it stopped), or with --wait, follow
 * it to the end. Exit status 1 when the task failed, so scripts can chain on it.
 */
import { EXIT_FAILED, EXIT_OK, type CliCommand } from './command';
import { CONNECTION_FLAGS, CONNECTION_USAGE, clientFromArgs, outputFormat, parseArgs, runWithClient, table, UsageError } from './resources';
import { parseUpid } from '../core/pve/upid';
import { safeJson, safeText } from './safeText';

export const taskCommand: CliCommand = {
  name: 'task',
  summary: 'Show (or --wait for) a Proxmox task by its UPID',
  usage: `Usage: proxmox-iac task UPID [--wait] [--log N] [connection options]

Prints the task's status; once it stopped, its exit status (OK, WARNINGS: n, or the error) and the last
N lines of its log (default 20). --wait polls until the task ends, reporting progress on stderr.

${CONNECTION_USAGE}

Exit status: 0 running or ended OK/with warnings, 1 the task failed or the call failed, 2 usage error.`,
  run(args, io) {
    let url: string | undefined;
    return runWithClient(
      'task',
      io,
      async () => {
        const { flags, positional } = parseArgs(args, [...CONNECTION_FLAGS, 'log'], ['wait']);
        if (positional.length !== 1) throw new UsageError('give exactly one UPID');
        const upid = positional[0];
        const parsed = parseUpid(upid);
        if (!parsed) throw new UsageError(`'${upid}' is not a UPID (UPID:node:pid:pstart:starttime:type:id:user:)`);
        const logLines = Number(flags.get('log') ?? 20);
        if (!Number.isInteger(logLines) || logLines < 0) throw new UsageError('--log takes a number of lines');
        const format = outputFormat(flags);
        const client = clientFromArgs(flags, io);
        url = client.target.url;
        if (flags.has('wait')) {
          await client.waitForTask(upid, {
            onProgress: (s, ms) => io.err(safeText(`${parsed.type} ${parsed.id}: ${s.status} after ${(ms / 1000).toFixed(1)} s`)),
          });
        }
        const status = await client.taskStatus(parsed.node, upid);
        const log = status.status === 'stopped' && logLines > 0 ? await client.taskLogTail(parsed.node, upid, logLines) : [];
        const failed = status.status === 'stopped' && !(status.exitstatus === 'OK' || (status.exitstatus ?? '').startsWith('WARNINGS'));
        if (format === 'json') {
          io.out(safeJson({ ...status, ok: status.status === 'stopped' ? !failed : undefined, log }));
        } else {
          io.out(table(['UPID', 'TYPE', 'ID', 'USER', 'STATUS', 'EXIT'], [[upid, status.type, status.id, status.user, status.status, status.exitstatus ?? '']]));
          // One log line per line: a line break or `\r` inside a line is shown escaped, like any control character.
          if (log.length) io.out(['', ...log.map(safeText)].join('\n'));
        }
        return failed ? EXIT_FAILED : EXIT_OK;
      },
      () => url,
    );
  },
};
