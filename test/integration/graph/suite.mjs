// The graph suite: the demo workspace (workspaces.demo) against the demo's simulated cluster (live state:
// root-pve running, edge stopped, n1-push's edge missing), with a recording stand-in for iac-driver's run.sh
// beside the site-config so "Plan" from the graph starts a real task. The suite reloads the window once
// (restore.test.ts); the tests after the reload run in the same session.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup as demoSetup } from '../../../scripts/demo-setup.mjs';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.demo;
export const timeoutMs = 420_000;

export async function setup(args) {
  const demo = await demoSetup(args);
  const driver = join(args.workspaceDir, 'iac-driver');
  mkdirSync(driver, { recursive: true });
  const log = join(args.tmpDir, 'iac-driver-argv.log');
  writeFileSync(join(driver, 'run.sh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\necho "iac-driver stand-in: $*"\n`);
  chmodSync(join(driver, 'run.sh'), 0o755);
  // No walkthrough on top of the graph.
  const env = { ...demo.env };
  delete env.PROXMOX_IAC_OPEN_WALKTHROUGH;
  return { env: { ...env, PROXMOX_IAC_TEST_IAC_DRIVER_LOG: log }, settings: demo.settings, teardown: demo.teardown };
}
