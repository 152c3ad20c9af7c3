import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { locate, parseSlow, parseYaml, pathAt, type YNode } from '../../../src/core/iac/yaml/parse';
import { LineIndex } from '../../../src/core/iac/text';
import { generateManifest } from '../../../bench/validate/generate';

const EXAMPLES = nodePath.resolve(__dirname, '../../fixtures/examples');

function flatten(n: YNode | undefined, out: string[], path: string): string[] {
  if (!n) return out;
  out.push(`${path} ${n.k} ${n.s}-${n.e}`);
  for (const p of n.pairs ?? []) {
    flatten(p.key, out, `${path}/@${String(p.key.v)}`);
    flatten(p.value, out, `${path}/${String(p.key.v)}`);
  }
  (n.items ?? []).forEach((it, i) => flatten(it, out, `${path}/${i}`));
  return out;
}

async function yamlFiles(dir: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = nodePath.join(dir, e.name);
    if (e.isDirectory()) await yamlFiles(full, out);
    else if (/\.ya?ml$|\.example$/.test(e.name)) out.push(full);
  }
  return out;
}

test('the fast path (js-yaml + listener) gives the same ranges as the yaml CST for every node', async () => {
  const texts = await Promise.all((await yamlFiles(EXAMPLES)).map((f) => readFile(f, 'utf8')));
  texts.push(
    generateManifest(50),
    'a: {x: 1, y: [1, 2]}\nb: |\n  text\n  more\n\nc: "q" # c\n"d": \ne: &an\n  f: 1\nh: !!str 5\n',
    '---\n# doc2\n- 1\n- k: v\n  z:\n---\nother: doc\n',
    'a: 1\r\nb:\r\n  - x\r\n  - y # c\r\n',
    'key: value  # trailing\nlist:\n- a\n- b\nnested:\n    deep:\n        deeper: [1, {a: b}]\n',
  );
  let compared = 0;
  for (const text of texts) {
    const fast = parseYaml(text);
    const slow = parseSlow(text);
    if (fast.path !== 'fast') continue;
    compared++;
    assert.deepEqual(
      fast.docs.flatMap((d) => flatten(d.root, [], '')),
      slow.docs.flatMap((d) => flatten(d.root, [], '')),
    );
    assert.deepEqual(fast.docs.map((d) => d.data), slow.docs.map((d) => d.data));
  }
  assert.ok(compared >= texts.length - 2, `only ${compared} of ${texts.length} took the fast path`);
});

test('syntax errors fall back to the yaml CST with exact error ranges', () => {
  const text = 'schema_version: 2\nnodes:\n  - name: a\n   type: vm\n';
  const tree = parseYaml(text);
  assert.equal(tree.path, 'slow');
  assert.ok(tree.errors.length >= 1);
  const pos = new LineIndex(text).positionAt(tree.errors[0].start);
  assert.equal(pos.line, 3);
  assert.match(tree.errors[0].message, /^YAML syntax error: .*\.$/);
});

test('locate and pathAt map between JSON paths and offsets', () => {
  const text = 'nodes:\n  - name: a\n    type: vm\n  - name: b\n    parent: a\n';
  const root = parseYaml(text).docs[0].root;
  const loc = locate(root, ['nodes', 1, 'parent']);
  assert.equal(text.slice(loc.node!.s, loc.node!.e), 'a');
  assert.equal(text.slice(loc.key!.s, loc.key!.e), 'parent');
  const at = pathAt(root, text.indexOf('parent: a') + 8);
  assert.deepEqual(at.path, ['nodes', 1, 'parent']);
  assert.equal(at.onKey, false);
  assert.equal(pathAt(root, text.indexOf('type')).onKey, true);
});
