/**
 * Which JSON Schema a file is held to, and how strictly:
 * - the repository's own schema when the workspace has one (a site-config's `defs/`, talos-cluster's
 *   `.taskfiles/template/resources/`): its errors are the author's own rules, so they stay errors;
 * - otherwise our built-in copy. iac-driver reads YAML with `dict.get` and ignores keys it does not know,
 *   so there an unknown key is only a warning (a likely typo of a known key stays an error: the value
 *   the author meant is silently lost). talos-cluster's CUE schema is closed, so its keys stay strict.
 * Older eras get their own reading (see eras.ts): flat postures are recognised and offered a migration.
 */
import * as nodePath from 'node:path';
import { checkNodeDatastore, flatPostureIssue, isFlatPosture } from '../iac/eras';
import { entityId } from '../iac/formats';
import type { Issue } from '../iac/issues';
import { compileOwnSchema } from '../iac/ownSchemas';
import { checkSchema, issuesFrom, type SchemaKey } from '../iac/schemas';
import { isRecord, type SiteConfig } from '../iac/siteConfig';
import type { IacFormat } from '../iac/types';

export const IGNORED_BY_IAC_DRIVER =
  "iac-driver ignores keys it does not know, so this is only a warning (the site-config has no defs/ schema that forbids it).";

/** talos-cluster keeps the JSON Schemas generated from its CUE schemas here, next to cluster.yaml. */
const TALOS_SCHEMA_DIR = ['.taskfiles', 'template', 'resources'];

export interface SchemaChoiceInput {
  readonly format: IacFormat;
  readonly key: SchemaKey;
  readonly path: string;
  readonly data: unknown;
  readonly site: SiteConfig | undefined;
  /** Reads a schema file next to the workspace's files (cached by the caller); undefined when absent. */
  readonly readSchema: (path: string) => Promise<string | undefined>;
}

export interface SchemaResult {
  readonly issues: Issue[];
  /** True when the repository's own schema decided: our own semantic rules for the format then stand down. */
  readonly own: boolean;
}

export async function schemaIssues(input: SchemaChoiceInput): Promise<SchemaResult> {
  const { format, key, data, site } = input;
  const sensitive = format === 'secrets';
  const own = await ownValidator(input);
  if (own) return { issues: issuesFrom(own, data, { sensitive }), own: true };
  if (format === 'talos-cluster' || format === 'talos-nodes') return { issues: checkSchema(key, data, { sensitive }), own: false };
  if (format === 'posture' && isFlatPosture(data)) return { issues: [flatPostureIssue(data)], own: false };
  const issues = checkSchema(key, data, { sensitive, unknownKeysIgnoredBy: IGNORED_BY_IAC_DRIVER });
  if (format === 'node' && site) {
    const siteFile = await site.site();
    const defaults = isRecord(siteFile?.data) && isRecord(siteFile.data.defaults) ? siteFile.data.defaults : undefined;
    issues.push(...checkNodeDatastore(data, defaults, entityId(input.path)));
  }
  return { issues, own: false };
}

/** Where talos-cluster keeps the JSON Schema of a cluster.yaml or nodes.yaml. */
export function talosSchemaPath(format: 'talos-cluster' | 'talos-nodes', path: string): string {
  return nodePath.join(nodePath.dirname(path), ...TALOS_SCHEMA_DIR, `${format === 'talos-cluster' ? 'cluster' : 'nodes'}.schema.json`);
}

async function ownValidator(input: SchemaChoiceInput): Promise<ReturnType<typeof compileOwnSchema>> {
  const { format, key, path, site, readSchema } = input;
  if (format === 'talos-cluster' || format === 'talos-nodes') {
    const text = await readSchema(talosSchemaPath(format, path));
    return text === undefined ? undefined : compileOwnSchema(text);
  }
  if (!site) return undefined;
  // The first v2 layout kept its schemas in v2/defs/ and its manifests in manifests/ at the top.
  const text =
    key === 'manifest-v2'
      ? await site.ownSchema('manifest', ['defs', 'v2/defs'])
      : format === 'posture' || format === 'spec' || format === 'node'
        ? await site.ownSchema(format)
        : undefined;
  return text === undefined ? undefined : compileOwnSchema(text);
}
