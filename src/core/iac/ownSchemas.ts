/**
 * A repository's own JSON Schemas: a site-config's `defs/<kind>.schema.json` (homestak's, checked by its own
 * CI) and talos-cluster's `.taskfiles/template/resources/<cluster|nodes>.schema.json`. When the workspace
 * has one, it describes the file in the version the author actually uses and is preferred over our
 * built-in copy. Schemas are compiled once per text, on separate ajv instances (draft-07 and 2020-12) that
 * never register them by `$id`: two eras of the same repository reuse the same `$id` with different content.
 */
import type { ValidateFunction } from 'ajv';
import { relaxDefaults } from './schemas';

type AjvLike = { compile(schema: object): ValidateFunction };

let draft07: AjvLike | undefined;
let draft2020: AjvLike | undefined;
const compiled = new Map<string, ValidateFunction | null>();
const MAX_SCHEMA_TEXT = 2_000_000;

function ajvFor(schema: Record<string, unknown>): AjvLike {
  const is2020 = typeof schema.$schema === 'string' && /2020-12|2019-09/.test(schema.$schema);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
  const options = { allErrors: true, verbose: true, strict: false, addUsedSchema: false, validateSchema: false, logger: false } as const;
  if (is2020) {
    if (!draft2020) {
      const Ajv2020 = (require('ajv/dist/2020') as { default: typeof import('ajv/dist/2020').default }).default;
      const a = new Ajv2020(options);
      addFormats(a);
      draft2020 = a;
    }
    return draft2020;
  }
  if (!draft07) {
    const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
    const a = new Ajv(options);
    addFormats(a);
    draft07 = a;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  return draft07;
}

/**
 * The validator for a schema file's text, or undefined when it is not a usable JSON Schema (broken JSON,
 * a `$ref` to another file): then the built-in copy is used instead.
 */
export function compileOwnSchema(text: string): ValidateFunction | undefined {
  if (text.length > MAX_SCHEMA_TEXT) return undefined;
  const cached = compiled.get(text);
  if (cached !== undefined) return cached ?? undefined;
  let v: ValidateFunction | null = null;
  try {
    const schema = JSON.parse(text) as unknown;
    if (schema && typeof schema === 'object' && !Array.isArray(schema)) {
      const { $id: _id, ...rest } = schema as Record<string, unknown>;
      v = ajvFor(rest).compile(relaxDefaults(rest));
    }
  } catch {
    v = null;
  }
  compiled.set(text, v);
  if (compiled.size > 64) compiled.delete(compiled.keys().next().value!);
  return v ?? undefined;
}
