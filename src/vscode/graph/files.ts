import { basename, dirname } from 'node:path';
import type { ViewKind } from '../../core/graph/graphView';

/** The files the graph panel draws: iac-driver manifests, hosts.nix fleets and talos-cluster nodes.yaml. */
export function graphFileKind(path: string): ViewKind | undefined {
  const name = basename(path);
  if (name === 'hosts.nix') return 'fleet';
  if (/^nodes(\.sample)?\.ya?ml$/i.test(name)) return 'talos';
  if (basename(dirname(path)) === 'manifests' && /\.ya?ml$/i.test(name)) return 'manifest';
  return undefined;
}

/** What "Show Graph" offers when nothing is chosen (findFiles globs). */
export const GRAPH_FILE_GLOBS = ['**/manifests/*.{yaml,yml}', '**/hosts.nix', '**/nodes.{yaml,yml}', '**/nodes.sample.{yaml,yml}'] as const;
