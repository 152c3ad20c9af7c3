import type { ExplorerProvider } from '../../../src/vscode/explorer/provider';
import type { ConnectionSession } from '../../../src/vscode/explorer/session';
import { waitFor } from '../harness';

/**
 * A connection's explorer session. Sessions start when VS Code lists the Proxmox view's connections, which it
 * does on its own time after the view is shown: wait for it rather than assume it is there.
 */
export function sessionOf(provider: ExplorerProvider, connectionRowId: string): Promise<ConnectionSession> {
  return waitFor(`the explorer session of ${connectionRowId} (started when VS Code lists the view's connections)`, () => provider.stateOf(connectionRowId));
}
