/**
 * What `activate()` hands to `vscode.extensions.getExtension(…).exports`. Every installed extension can
 * read those exports, so in normal use they are nothing: the services reach the connection store, whose
 * `secret(id)` returns a token, and `context.secrets`. Only the extension's own integration tests
 * (`ExtensionMode.Test`, i.e. VS Code started with `--extensionTestsPath`) get the services.
 */
import type { ExtensionApi } from './services';

export interface ExportsMode {
  /** `context.extensionMode === vscode.ExtensionMode.Test`. */
  readonly testMode: boolean;
  /**
   * `PROXMOX_IAC_TEST_EXPORTS=production`: the exports suite runs the production path inside a test run.
   * It can only take the API away, never grant it.
   */
  readonly forceProduction: boolean;
}

export function extensionExports(mode: ExportsMode, api: ExtensionApi): ExtensionApi | undefined {
  return mode.testMode && !mode.forceProduction ? api : undefined;
}
