/**
 * The official schema's `returns` of a simulator route as a JSON Schema validator (ajv), for the tests that
 * check the simulator's answers against it (test/unit/sim/schema.test.ts, test/unit/pve/backups.test.ts).
 */
import assert from 'node:assert/strict';
import Ajv, { type ValidateFunction } from 'ajv';
import { SCHEMA } from '../../src/sim/routes';

type Pve = { type?: string; optional?: number; properties?: Record<string, Pve>; items?: Pve; enum?: string[] };

/** PVE return schema → JSON Schema. Booleans come as 0/1; extra keys are allowed (servers add fields). */
function toJsonSchema(s: Pve | undefined): Record<string, unknown> {
  if (!s || !s.type) return {};
  switch (s.type) {
    case 'boolean':
      return { enum: [0, 1, true, false] };
    case 'integer':
      return { type: 'integer' };
    case 'number':
      return { type: 'number' };
    case 'string':
      return s.enum ? { type: 'string', enum: s.enum } : { type: 'string' };
    case 'null':
      return { type: 'null' };
    case 'array':
      return { type: 'array', items: toJsonSchema(s.items) };
    case 'object': {
      const props = s.properties ?? {};
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toJsonSchema(v)])),
        required: Object.entries(props).filter(([, v]) => !v.optional).map(([k]) => k),
      };
    }
    default:
      return {};
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** The validator of what `method route` returns; fails the test when the schema declares no `returns`. */
export function returnsValidator(method: string, route: string): ValidateFunction {
  const returns = SCHEMA[route]?.[method]?.returns as Pve | undefined;
  assert.ok(returns, `the schema has returns for ${method} ${route}`);
  return ajv.compile(toJsonSchema(returns));
}

/** Asserts that `data` is what the schema says `method route` returns. */
export function assertMatchesReturns(method: string, route: string, data: unknown): void {
  const validate = returnsValidator(method, route);
  assert.ok(validate(data), `${method} ${route}: ${ajv.errorsText(validate.errors)}`);
}
