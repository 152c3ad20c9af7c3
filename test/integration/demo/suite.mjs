// The demo suite: `npm run demo`'s own workspace (workspaces.demo) and its own setup (scripts/demo-setup.mjs:
// the simulated cluster, a connection to it, the walkthrough hook), so the tests check the first screen and the
// actions a new user tries in the demo.
import { setup as demoSetup } from '../../../scripts/demo-setup.mjs';
import { workspaces } from '../../../scripts/vscode/workspace.mjs';

export const workspace = workspaces.demo;
export const timeoutMs = 240_000;

export async function setup(args) {
  const demo = await demoSetup(args);
  return { env: demo.env, settings: demo.settings, teardown: demo.teardown };
}
