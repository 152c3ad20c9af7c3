import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import Ajv from 'ajv';
import { SCHEMAS, type SchemaNode } from '../../../src/core/iac/schemas';
import { parseYaml } from '../../../src/core/iac/yaml/parse';

const SITE = nodePath.resolve(__dirname, '../../fixtures/examples/site-config');

test('manifest.schema.json (for editors) is the self-contained union of the v1 and v2 schemas', () => {
  const strip = (s: Record<string, unknown>) => {
    const copy = { ...s };
    delete copy.$schema;
    delete copy.$id;
    delete copy.definitions;
    return copy;
  };
  const combined = SCHEMAS.manifest as unknown as { definitions: Record<string, unknown> };
  const v2 = JSON.parse(JSON.stringify(strip(SCHEMAS['manifest-v2'])).replace(/#\/definitions\/node/g, '#/definitions/v2Node')) as unknown;
  assert.deepEqual(combined.definitions.v2, v2, 'regenerate schemas/manifest.schema.json from manifest-v2.schema.json');
  assert.deepEqual(combined.definitions.v2Node, SCHEMAS['manifest-v2'].definitions.node);
  assert.deepEqual(combined.definitions.v1, strip(SCHEMAS['manifest-v1']));
  const refs = [...JSON.stringify(SCHEMAS.manifest).matchAll(/"\$ref":"([^"]*)"/g)].map((m) => m[1]);
  assert.ok(refs.length >= 3 && refs.every((r) => r.startsWith('#/')), 'only local $refs: editors resolve them without network');

  const validate = new Ajv({ allErrors: true, strict: false }).compile(SCHEMAS.manifest);
  const n2 = parseYaml(readFileSync(nodePath.join(SITE, 'manifests/n2-pull.yaml'), 'utf8')).docs[0].data;
  assert.equal(validate(n2), true, JSON.stringify(validate.errors));
  assert.equal(validate({ schema_version: 2, name: 'x', nodes: [{ name: 'a', type: 'vmm' }] }), false);
  assert.equal(validate({ schema_version: 1, name: 'x', levels: [{ name: 'a', vm_preset: 'vm-small' }] }), true);
});

test('every property of every schema has a description (hovers show it)', () => {
  const missing: string[] = [];
  const walk = (s: SchemaNode | undefined, path: string): void => {
    if (!s) return;
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if (!p.description) missing.push(`${path}.${k}`);
      walk(p, `${path}.${k}`);
    }
    if (s.items) walk(s.items, `${path}[]`);
    for (const [k, d] of Object.entries(s.definitions ?? {})) walk(d, `${path}#${k}`);
  };
  for (const [key, schema] of Object.entries(SCHEMAS)) {
    const s = schema as SchemaNode;
    if (!s.title || !s.description) missing.push(`${key} (title/description)`);
    walk(s, key);
  }
  assert.deepEqual(missing, []);
});
