/**
 * Simulated task endpoints: status, log, the node's and the cluster's task lists.
 */
import type { SimTask } from './state';
import { r, requireNode, SimError, type HandlerContext, type HandlerResult } from './handlers';

function findTask(ctx: HandlerContext): SimTask {
  const upid = String(ctx.params.upid);
  const t = ctx.state.tasks.get(upid);
  if (!/^UPID:/.test(upid)) throw new SimError(400, 'Parameter verification failed.', { upid: 'unable to parse worker upid' });
  if (!t || t.node !== String(ctx.params.node)) throw new SimError(400, 'Parameter verification failed.', { upid: 'no such task' });
  // A token sees only its own tasks unless it has Sys.Audit on the node.
  const owner = t.tokenid ?? t.user;
  const me = ctx.principal.tokenid ?? ctx.principal.user;
  if (owner !== me && !ctx.principal.can(`/nodes/${t.node}`, 'Sys.Audit')) throw new SimError(403, `Permission check failed (/nodes/${t.node}, Sys.Audit)`);
  return t;
}

export function taskStatus(ctx: HandlerContext): HandlerResult {
  const t = findTask(ctx);
  const d: Record<string, unknown> = { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user, status: t.done ? 'stopped' : 'running' };
  if (t.tokenid) d.tokenid = t.tokenid.split('!')[1];
  if (t.done) d.exitstatus = t.exitstatus;
  return r(d);
}

export function taskLog(ctx: HandlerContext): HandlerResult {
  const t = findTask(ctx);
  const start = ctx.params.start !== undefined ? Number(ctx.params.start) : 0;
  const limit = ctx.params.limit !== undefined ? Number(ctx.params.limit) : 50;
  const lines = t.log.length ? t.log : ['no content'];
  const page = lines.slice(start, limit === 0 ? undefined : start + limit).map((text, i) => ({ n: start + i + 1, t: text }));
  return { data: page, total: lines.length };
}

function taskRow(t: SimTask): Record<string, unknown> {
  return { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user, ...(t.done ? { status: t.exitstatus, endtime: t.starttime + Math.ceil(t.durationMs / 1000) } : {}) };
}

/** Tasks the principal may see: its own, or all on nodes where it has Sys.Audit; newest first. */
function visibleTasks(ctx: HandlerContext, node?: string): SimTask[] {
  const me = ctx.principal.tokenid ?? ctx.principal.user;
  return [...ctx.state.tasks.values()]
    .filter((t) => (node === undefined || t.node === node) && ((t.tokenid ?? t.user) === me || ctx.principal.can(`/nodes/${t.node}`, 'Sys.Audit')))
    .reverse();
}

export function taskList(ctx: HandlerContext): HandlerResult {
  const node = requireNode(ctx);
  const rows = visibleTasks(ctx, node).slice(Number(ctx.params.start ?? 0), Number(ctx.params.start ?? 0) + Number(ctx.params.limit ?? 50)).map(taskRow);
  return { data: rows, total: rows.length };
}

/** The cluster-wide recent-task list the web UI shows at the bottom. */
export function clusterTasks(ctx: HandlerContext): HandlerResult {
  return r(visibleTasks(ctx).slice(0, 50).map(taskRow));
}
