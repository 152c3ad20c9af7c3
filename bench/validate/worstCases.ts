/**
 * Adversarial YAML for the worst-case benchmark and the linear-time tests: each shape once sent a parser
 * down a slow path (an unclosed `[` or an alias makes the error-tolerant parser read the whole file; a big
 * mapping made its duplicate-key check quadratic). Every generator fills about `bytes` characters.
 */
export interface WorstCase {
  readonly name: string;
  readonly what: string;
  generate(bytes: number): string;
}

/** Lines of one flat mapping, `k<i>: 0` (short keys: as many as the size allows), about `bytes` long. */
function flatKeys(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `k${i}: 0`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

function repeatTo(bytes: number, unit: (i: number) => string): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = unit(i);
    parts.push(p);
    size += p.length;
  }
  return parts.join('');
}

export const WORST_CASES: readonly WorstCase[] = [
  {
    name: 'unclosed-bracket',
    what: 'a manifest whose third value opens a `[` that never closes, followed by thousands of top-level keys',
    generate: (bytes) => `schema_version: 2\nname: broken\npattern: [tiered\n${flatKeys(bytes)}\n`,
  },
  {
    name: 'unclosed-bracket-nodes',
    what: 'a manifest with many nodes where one node opens a `[` that never closes',
    generate: (bytes) =>
      `schema_version: 2\nname: broken\nnodes:\n  - name: a\n    type: [vm\n${repeatTo(bytes, (i) => `  - name: node-${i}\n    type: vm\n    vmid: ${10000 + i}\n`)}`,
  },
  {
    name: 'many-aliases',
    what: 'one anchor and a large mapping whose every value is an alias to it',
    generate: (bytes) => `schema_version: 2\nname: aliases\nanchor: &a { type: vm, preset: vm-small }\nsettings:\n${repeatTo(bytes, (i) => `  key_${i}: *a\n`)}`,
  },
  {
    name: 'deep-nesting',
    what: 'block mappings nested as deep as the size allows, then flow sequences nested inside each other',
    generate: (bytes) => {
      const depth = Math.floor(Math.sqrt(bytes / 2) / 2);
      let block = 'schema_version: 2\nname: deep\nsettings:\n';
      for (let d = 1; d <= depth; d++) block += `${'  '.repeat(d)}k${d}:\n`;
      const head = `${block}${'  '.repeat(depth + 1)}v: `;
      const flowDepth = Math.max(1, Math.floor((bytes - head.length - 1) / 2));
      return `${head}${'['.repeat(flowDepth)}${']'.repeat(flowDepth)}\n`;
    },
  },
  {
    name: 'long-lines',
    what: 'a manifest with one scalar line and one flow sequence line, each half the size',
    generate: (bytes) =>
      `schema_version: 2\nname: long\ndescription: "${'x'.repeat(Math.floor(bytes / 2))}"\nvars: [${repeatTo(Math.floor(bytes / 2), (i) => `${i}, `)}0]\n`,
  },
  {
    name: 'duplicate-keys',
    what: 'a mapping that repeats the same key on every line',
    generate: (bytes) => `schema_version: 2\nname: dupes\nsettings:\n${repeatTo(bytes, () => '  on_error: stop\n')}`,
  },
];

/** The sizes every case is measured at (250 KB: just under the largest file the `yaml` CST parses). */
export const WORST_SIZES_KB: readonly number[] = [100, 250, 500, 1000];
