import type * as vscode from 'vscode';
import type { ExplorerApi } from './explorer';
import type { GraphApi } from './graph/register';
import type { AgentBoardApi } from './webviews/agentboard/register';
import type { Config } from './util/config';
import type { LanguageTestApi } from './language/serviceHost';

/**
 * What the composition root hands every capability. Capabilities take what they need from here and
 * never reach for globals, so tests can build them with their own pieces.
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
}

/** The object `activate` returns; integration tests reach the live services through it. */
export interface ExtensionApi {
  readonly services: Services;
  /** Milliseconds spent in our own activation code. */
  readonly activationMs: number;
  /** CPU milliseconds the extension host spent in it: unlike activationMs, not inflated on a busy machine. */
  readonly activationCpuMs: number;
  /** The explorer's tree, connections and tasks (tests drive and inspect it through this). */
  readonly explorer?: ExplorerApi;
  /** The language worker's test hooks (test runs only). */
  readonly language?: LanguageTestApi;
  /** The manifest graph panels. */
  readonly graph?: GraphApi;
  /** The guest-agent status boards. */
  readonly agentBoard?: AgentBoardApi;
}
