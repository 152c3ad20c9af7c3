/**
 * Small helpers the language service's jobs share.
 */
import type { IacDiagnostic, IacFormat, Range } from '../iac/types';
import { entityDirOf } from '../iac/formats';
import type { SchemaKey } from '../iac/schemas';
import type { YamlTree } from '../iac/yaml/parse';
import { isRecord } from '../iac/siteConfig';

/** Larger files are not checked (a warning says so). */
export const SOURCE_LIMIT = 10_000_000;

export function zero(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export function diag(range: Range, severity: IacDiagnostic['severity'], code: string, message: string): IacDiagnostic {
  return { range, severity, code, message };
}

export function schemaKeyFor(format: IacFormat, path: string): SchemaKey {
  switch (format) {
    case 'vm':
      return entityDirOf(path) === 'vms/presets' ? 'preset' : 'vm';
    case 'manifest':
      return 'manifest-v2';
    case 'hosts-nix':
    case 'vm-definitions-nix':
      return 'manifest';
    default:
      return format;
  }
}

export function isKubernetesObject(data: unknown): boolean {
  return isRecord(data) && typeof data.apiVersion === 'string' && typeof data.kind === 'string';
}

export function docAt(tree: YamlTree, offset: number): YamlTree['docs'][number] | undefined {
  let found = tree.docs[0];
  for (const d of tree.docs) if (d.root && d.root.s <= offset) found = d;
  return found;
}
