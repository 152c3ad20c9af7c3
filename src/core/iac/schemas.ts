/**
 * Our JSON Schemas (schemas/*.json) and their checking with ajv. The schemas are bundled into the
 * extension and CLI; ajv and each compiled validator are created on first use, not at activation
 * (compiling costs ~50 ms, see PERF-NOTES.md).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import manifestV2 from '../../../schemas/manifest-v2.schema.json';
import manifestV1 from '../../../schemas/manifest-v1.schema.json';
import manifest from '../../../schemas/manifest.schema.json';
import site from '../../../schemas/site.schema.json';
import secrets from '../../../schemas/secrets.schema.json';
import spec from '../../../schemas/spec.schema.json';
import preset from '../../../schemas/preset.schema.json';
import posture from '../../../schemas/posture.schema.json';
import node from '../../../schemas/node.schema.json';
import host from '../../../schemas/host.schema.json';
import env from '../../../schemas/env.schema.json';
import vm from '../../../schemas/vm.schema.json';
import talosCluster from '../../../schemas/talos-cluster.schema.json';
import talosNodes from '../../../schemas/talos-nodes.schema.json';
import { closest } from './levenshtein';
import { isSensitivePath, showValue, typeName, type Issue } from './issues';
import type { PathSegment } from './yaml/parse';

export const SCHEMAS = {
  'manifest-v2': manifestV2,
  'manifest-v1': manifestV1,
  manifest,
  site,
  secrets,
  spec,
  preset,
  posture,
  node,
  host,
  env,
  vm,
  'talos-cluster': talosCluster,
  'talos-nodes': talosNodes,
} as const;

export type SchemaKey = keyof typeof SCHEMAS;

/** A JSON Schema as far as hovers and completion need it. */
export interface SchemaNode {
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
  minimum?: number;
  maximum?: number;
}

type AjvInstance = import('ajv').default;
let ajv: AjvInstance | undefined;
const compiled = new Map<SchemaKey, ValidateFunction>();

function getAjv(): AjvInstance {
  if (!ajv) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const AjvClass = (require('ajv') as { default: typeof import('ajv').default }).default;
    const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
    /* eslint-enable @typescript-eslint/no-require-imports */
    ajv = new AjvClass({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    for (const [key, schema] of Object.entries(SCHEMAS)) if (key.startsWith('manifest-')) ajv.addSchema(schema);
  }
  return ajv;
}

function validator(key: SchemaKey): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    const a = getAjv();
    const schema = SCHEMAS[key] as { $id?: string };
    v = (schema.$id && a.getSchema(schema.$id)) || a.compile(relaxDefaults(schema));
    compiled.set(key, v);
  }
  return v;
}

/** At most this many schema problems per document: a file with wrong types everywhere stays readable. */
const MAX_SCHEMA_ISSUES = 200;

export interface SchemaContext {
  /** The whole document may hold secrets: never show a value. */
  readonly sensitive?: boolean;
  /**
   * Set when the schema is our own copy and the tool that reads the file ignores keys it does not know
   * (iac-driver reads YAML with `dict.get`): an unknown key is then only a warning, with this reason,
   * unless it is a likely typo of a known key (the value the author meant is silently lost).
   */
  readonly unknownKeysIgnoredBy?: string;
}

export function checkSchema(key: SchemaKey, data: unknown, context: SchemaContext = {}): Issue[] {
  return issuesFrom(validator(key), data, context);
}

/** Runs a compiled schema (ours or a repository's own) and turns its errors into issues. */
export function issuesFrom(validate: ValidateFunction, data: unknown, context: SchemaContext = {}): Issue[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const issues: Issue[] = [];
  for (const e of errors) {
    const issue = toIssue(e, data, context.sensitive === true);
    if (issue) issues.push(soften(issue, context));
    if (issues.length >= MAX_SCHEMA_ISSUES) break;
  }
  return dedupe(issues);
}

function soften(issue: Issue, context: SchemaContext): Issue {
  if (!context.unknownKeysIgnoredBy || issue.code !== 'unknown-key' || issue.data?.replacement !== undefined) return issue;
  return { ...issue, severity: 'warning', message: `${issue.message} ${context.unknownKeysIgnoredBy}` };
}

/**
 * A key both required and given a default is filled in by the tool (talos-cluster's CUE schema:
 * `cluster_pod_cidr: *"10.42.0.0/16" | …`; its generated JSON Schema still lists it as required), so it
 * is not required of the author. Returns a copy without those requirements.
 */
export function relaxDefaults<T>(schema: T): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v);
    const props = out.properties as Record<string, { default?: unknown } | undefined> | undefined;
    if (Array.isArray(out.required) && props && typeof props === 'object') {
      out.required = (out.required as unknown[]).filter((r) => typeof r !== 'string' || props[r]?.default === undefined);
    }
    return out;
  };
  return walk(schema) as T;
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path.join('/')}|${i.on}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function parsePointer(pointer: string, data: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function label(path: readonly PathSegment[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const p = path[i];
    if (typeof p === 'string') {
      const idx = path.slice(i + 1).find((x) => typeof x === 'number');
      return idx === undefined ? `'${p}'` : `item ${idx + 1} of '${p}'`;
    }
  }
  return 'The document';
}

function describe(schema: SchemaNode | undefined): string {
  const d = schema?.description ?? schema?.title;
  return d ? ` ${d.endsWith('.') ? d : `${d}.`}` : '';
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function toIssue(e: ErrorObject, data: unknown, sensitiveDoc: boolean): Issue | undefined {
  const path = parsePointer(e.instancePath, data);
  const sensitive = sensitiveDoc || isSensitivePath(path);
  const parentSchema = e.parentSchema as SchemaNode | undefined;
  const value: unknown = e.data;
  const what = label(path);
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parentSchema?.properties ?? {});
      const suggestion = closest(extra, allowed);
      const where = path.length ? ` in ${what}` : '';
      const hint = suggestion
        ? ` Did you mean '${suggestion}'?`
        : allowed.length
          ? ` Allowed keys: ${allowed.join(', ')}.`
          : '';
      return {
        path: [...path, extra],
        on: 'key',
        severity: 'error',
        code: 'unknown-key',
        message: `Unknown key '${extra}'${where}.${hint}`,
        ...(suggestion ? { data: { replacement: suggestion } } : {}),
      };
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const prop = parentSchema?.properties?.[missing];
      const where = path.length ? ` in ${what}` : '';
      return {
        path,
        on: 'key',
        severity: 'error',
        code: 'missing-key',
        message: `Missing required key '${missing}'${where}.${describe(prop)}`,
        data: { missing },
      };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const suggestion = typeof value === 'string' ? closest(value, allowed) : undefined;
      return {
        path,
        on: 'value',
        severity: 'error',
        code: 'invalid-value',
        message: `${capital(what)} is ${showValue(value, sensitive)}; use one of: ${allowed.join(', ')}.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
        ...(suggestion ? { data: { replacement: suggestion } } : {}),
      };
    }
    case 'const': {
      const expected = (e.params as { allowedValue: unknown }).allowedValue;
      return {
        path,
        on: 'value',
        severity: 'error',
        code: 'invalid-value',
        message: `${capital(what)} must be ${JSON.stringify(expected)}, not ${showValue(value, sensitive)}.${describe(parentSchema)}`,
        data: { replacement: JSON.stringify(expected) },
      };
    }
    case 'type': {
      const want = String((e.params as { type: string | string[] }).type)
        .split(',')
        .map((t) => (t === 'integer' ? 'an integer' : t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'null' ? 'empty' : `a ${t}`))
        .join(' or ');
      const shown = value === null || typeof value === 'object' ? typeName(value) : `${typeName(value)} (${showValue(value, sensitive)})`;
      return {
        path,
        on: 'value',
        severity: 'error',
        // `key:` with nothing after it (every entry commented out) is a blank, which a sample file may leave.
        code: value === null ? 'empty-value' : 'wrong-type',
        message: `${capital(what)} must be ${want}, not ${shown}.${describe(parentSchema)}`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = (e.params as { limit: number }).limit;
      const below = e.keyword.endsWith('inimum');
      return {
        path,
        on: 'value',
        severity: 'error',
        code: 'out-of-range',
        message: `${capital(what)} is ${showValue(value, sensitive)}, ${below ? 'below the minimum' : 'above the maximum'} of ${limit}.${describe(parentSchema)}`,
      };
    }
    case 'minItems': {
      const limit = (e.params as { limit: number }).limit;
      return {
        path,
        on: 'value',
        severity: 'error',
        // An empty list is an empty value (a template's placeholder in a sample file); a short one is not.
        code: Array.isArray(value) && value.length === 0 ? 'empty-value' : 'too-few-items',
        message: `${capital(what)} ${Array.isArray(value) && value.length > 0 ? `has ${value.length}` : 'is empty'}; add at least ${limit} item${limit === 1 ? '' : 's'}.${describe(parentSchema)}`,
      };
    }
    case 'pattern':
    case 'format':
    case 'minLength': {
      if (value === '') {
        return {
          path,
          on: 'value',
          severity: 'error',
          code: 'empty-value',
          message: `${capital(what)} is empty; fill it in.${describe(parentSchema)}`,
        };
      }
      return {
        path,
        on: 'value',
        severity: 'error',
        code: 'invalid-format',
        message: `${capital(what)} ${sensitive ? 'does not have' : `is ${showValue(value, false)}, which does not have`} the expected format.${describe(parentSchema)}`,
      };
    }
    case 'anyOf': {
      // v1 manifest levels: one of vm_preset, template or env.
      const branches = (e.schema as { required?: string[] }[]).map((b) => b.required?.join(' + ')).filter(Boolean);
      return {
        path,
        on: 'key',
        severity: 'error',
        code: 'missing-key',
        message: `${capital(what)} needs one of: ${branches.join(', ')}.`,
      };
    }
    case 'if':
    case 'oneOf':
      return undefined;
    default:
      return { path, on: 'value', severity: 'error', code: 'schema', message: `${capital(what)}: ${e.message ?? 'invalid'}.` };
  }
}

/** The schema node that describes the value at `path` (follows local `$ref`s), for hovers and completion. */
export function schemaAt(key: SchemaKey, path: readonly PathSegment[]): SchemaNode | undefined {
  const root = SCHEMAS[key] as SchemaNode;
  let node: SchemaNode | undefined = root;
  for (const seg of path) {
    node = deref(root, node);
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.items;
    else node = node.properties?.[seg] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return deref(root, node);
}

function deref(root: SchemaNode, node: SchemaNode | undefined): SchemaNode | undefined {
  if (node?.$ref?.startsWith('#/definitions/')) return root.definitions?.[node.$ref.slice('#/definitions/'.length)];
  return node;
}
