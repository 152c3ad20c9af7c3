/** The PVE 9.1 API schema as the simulator routes by it: methods per path, path templates, and the schema's permission checks. */
import apidoc from './schema/apidoc.json';
import type { Principal } from './handlers';
import type { PveSchema, Value } from './validate';

export interface MethodInfo {
  parameters: PveSchema;
  returns: unknown;
  permissions?: { user?: string; check?: unknown[] };
  allowtoken?: number;
}

export type Schema = Record<string, Record<string, MethodInfo>>;
export const SCHEMA = apidoc as unknown as Schema;

export interface Route {
  readonly template: string;
  readonly segments: readonly string[];
}

/** Every schema path as a template split into segments (`{node}` matches any one segment). */
export function buildRoutes(): Route[] {
  return Object.keys(SCHEMA).map((template) => ({ template, segments: template.split('/').slice(1) }));
}

/** The schema path a raw API path matches, with its path parameters decoded. */
export function matchRoute(routes: readonly Route[], path: string): { template: string; pathParams: Record<string, string> } | undefined {
  const segs = path.split('/').slice(1);
  if (segs[segs.length - 1] === '') segs.pop();
  let decoded: string[];
  try {
    decoded = segs.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  outer: for (const r of routes) {
    if (r.segments.length !== decoded.length) continue;
    const pathParams: Record<string, string> = {};
    for (let i = 0; i < decoded.length; i++) {
      const t = r.segments[i];
      if (t.startsWith('{')) pathParams[t.slice(1, -1)] = decoded[i]!;
      else if (t !== decoded[i]) continue outer;
    }
    return { template: r.template, pathParams };
  }
  return undefined;
}

/** Evaluates the schema's `permissions` (check: perm / and / or); returns the 403 text or undefined. */
export function checkPermissions(perms: MethodInfo['permissions'], params: Record<string, Value>, principal: Principal): string | undefined {
  if (!perms?.check) return undefined;
  const failures: string[] = [];
  const evaluate = (check: unknown[]): boolean => {
    const [op, ...rest] = check;
    if (op === 'and') return rest.every((c) => evaluate(c as unknown[]));
    if (op === 'or') return rest.some((c) => evaluate(c as unknown[]));
    if (op !== 'perm') return true; // userid-param / userid-group: not used by the simulated calls
    const [rawPath, privs, ...opts] = rest as [string, string[], ...unknown[]];
    const requireIdx = opts.indexOf('require_param');
    if (requireIdx >= 0 && params[String(opts[requireIdx + 1])] === undefined) return false;
    const path = rawPath.replace(/\{([^}]+)\}/g, (_, name: string) => String(params[name] ?? ''));
    const any = opts.includes('any');
    const ok = any ? privs.some((p) => principal.can(path, p)) : privs.every((p) => principal.can(path, p));
    if (!ok) failures.push(any ? `${path}, ${privs.join('|')}` : `${path}, ${privs.find((p) => !principal.can(path, p))!}`);
    return ok;
  };
  return evaluate(perms.check) ? undefined : `Permission check failed (${failures[0] ?? '/'})`;
}
