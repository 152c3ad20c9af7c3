import * as vscode from 'vscode';

/**
 * A ProcessExecution that runs one of the extension's own scripts (dist/cli.js, dist/tool-runner.js) with the
 * extension host's runtime, so users need no separate Node.js: in desktop VS Code that runtime is Electron,
 * which behaves as Node with ELECTRON_RUN_AS_NODE. The argv goes to the program as it is; no shell reads it.
 */
export function extensionScriptExecution(script: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): vscode.ProcessExecution {
  return new vscode.ProcessExecution(process.execPath, [script, ...args], { cwd, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } });
}

/**
 * In an untrusted workspace: says why nothing runs (`why` is the sentence's start) with "Manage Workspace
 * Trust", and returns false. True when the workspace is trusted.
 */
export async function requireTrust(why: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(`${why}, which is off in an untrusted workspace. Trust the workspace to plan or apply.`, manage);
  if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
