/**
 * The one mapping from an error to what the user can do about it, for commands, tasks and actions as for the
 * tree: it reads the same classification as the tree's error rows (core/explorer/errors.ts), so a 401 during
 * an action offers "Re-enter Token" just as the tree does, a 403 names the missing privilege, and a certificate
 * problem offers "Review Certificate". Pure (no `vscode`): showError.ts shows it.
 */
import { describeTreeError } from '../../core/explorer/errors';
import { PermissionError } from '../../core/pve/errors';

export interface ErrorAction {
  /** One sentence (or two) with the fix, without the summary of what failed. */
  readonly message: string;
  /** The command that fixes it, with its button title; undefined when only the log helps. */
  readonly action?: { readonly command: string; readonly title: string };
}

/** Commands that make sense outside the tree (the tree's own "Retry" and "Show Log" rows do not). */
const FIXES = new Set(['proxmoxIac.connections.enterSecret', 'proxmoxIac.connections.trustCertificate']);

export function errorAction(err: unknown): ErrorAction {
  const described = describeTreeError(err);
  const text = err instanceof Error ? err.message : String(err);
  // The typed errors' own messages already say what to do (PermissionError names the privilege and the
  // `pveum` command); the tree's sentence is used where the error carries only a status.
  const message =
    described.kind === 'auth'
      ? described.detail
      : described.kind === 'permission' && !(err instanceof PermissionError)
        ? described.detail.replace(/, then refresh\.$/, '.')
        : text;
  const action = described.action && FIXES.has(described.action.command) ? described.action : undefined;
  return { message, ...(action ? { action } : {}) };
}
