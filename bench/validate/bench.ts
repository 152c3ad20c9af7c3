/**
 * Validation per edit: our language service (js-yaml fast path + ajv + semantic checks) against Red Hat's
 * yaml-language-server validating the same text with the same schema (schemas/manifest-v2.schema.json),
 * in the same process, taking turns on each edited text; medians per size. Writes bench/results/validate.json.
 *
 *   node bench/validate/run.mjs [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { createLanguageService } from '../../src/core/validate/service';
import { nodeFileSource } from '../../src/core/validate/nodeFiles';
import schema from '../../schemas/manifest-v2.schema.json';
import { generateManifest } from './generate';

interface YlsDiagnostic {
  message: string;
  range: { start: { line: number; character: number } };
}
interface Yls {
  configure(settings: unknown): void;
  doValidation(doc: unknown, isKubernetes: boolean): Promise<YlsDiagnostic[]>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { getLanguageService } = require('yaml-language-server/lib/umd/languageservice/yamlLanguageService') as {
  getLanguageService: (p: unknown) => Yls;
};
const { TextDocument } = require('vscode-languageserver-textdocument') as {
  TextDocument: { create: (uri: string, lang: string, version: number, text: string) => unknown };
};
/* eslint-enable @typescript-eslint/no-require-imports */

const root = nodePath.resolve(__dirname, '../..');
const quick = process.argv.includes('--quick');
const SIZES = [10, 100, 1000, 5000];
const ITERATIONS: Record<number, number> = quick ? { 10: 20, 100: 10, 1000: 5, 5000: 2 } : { 10: 200, 100: 60, 1000: 21, 5000: 7 };
// The manifest lives in the example site-config, so our run includes its foreign-key checks.
const file = nodePath.join(root, 'test/fixtures/examples/site-config/manifests/bench.yaml');
const uri = 'file:///bench/site-config/manifests/bench.yaml';

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One keystroke-sized edit: a VMID changes, so every iteration validates new text. */
function edited(base: string, i: number): string {
  return base.replace(/vmid: (\d+)/, (_, v: string) => `vmid: ${Number(v) + i + 1}`);
}

async function main(): Promise<void> {
  const service = createLanguageService(nodeFileSource());
  const yls = getLanguageService({
    schemaRequestService: () => Promise.resolve(JSON.stringify(schema)),
    workspaceContext: { resolveRelativePath: (rel: string, res: string) => new URL(rel, res).href },
    clientCapabilities: {},
  });
  yls.configure({ validate: true, hover: false, completion: false, isKubernetes: false, schemas: [{ uri: 'file:///schemas/manifest-v2.schema.json', fileMatch: ['*.yaml'], schema }] });

  const results = [];
  let version = 1;
  for (const size of SIZES) {
    const base = generateManifest(size);
    // Warm both (JIT, schema compile, site-config cache) on the unedited text.
    for (let w = 0; w < 3; w++) {
      await service.validate(file, base);
      await yls.doValidation(TextDocument.create(uri, 'yaml', version++, base), false);
    }
    const ours: number[] = [];
    const oursCpu: number[] = [];
    const theirs: number[] = [];
    const theirsCpu: number[] = [];
    let ourCount = 0;
    let theirCount = 0;
    for (let i = 0; i < ITERATIONS[size]; i++) {
      const text = edited(base, i);
      const order = i % 2 === 0;
      for (const who of order ? ['ours', 'theirs'] : ['theirs', 'ours']) {
        if (who === 'ours') {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          ourCount = (await service.validate(file, text)).length;
          ours.push(performance.now() - t0);
          oursCpu.push(cpuMs(c0));
        } else {
          const doc = TextDocument.create(uri, 'yaml', version++, text);
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          theirCount = (await yls.doValidation(doc, false)).length;
          theirs.push(performance.now() - t0);
          theirsCpu.push(cpuMs(c0));
        }
      }
    }
    const row = {
      nodes: size,
      kb: Math.round(base.length / 1024),
      oursMs: Number(median(ours).toFixed(2)),
      yamlLanguageServerMs: Number(median(theirs).toFixed(2)),
      ratio: Number((median(theirs) / median(ours)).toFixed(2)),
      // CPU time of the process during the call: less sensitive than wall time to other load on the machine.
      oursCpuMs: Number(median(oursCpu).toFixed(2)),
      yamlLanguageServerCpuMs: Number(median(theirsCpu).toFixed(2)),
      iterations: ITERATIONS[size],
      diagnostics: { ours: ourCount, yamlLanguageServer: theirCount },
    };
    results.push(row);
    console.log(`${String(size).padStart(5)} nodes (${row.kb} KB): ours ${row.oursMs} ms (cpu ${row.oursCpuMs}), yaml-language-server ${row.yamlLanguageServerMs} ms (cpu ${row.yamlLanguageServerCpuMs}), ratio ${row.ratio}×`);
  }

  // The same seeded mistakes found by both, at the same positions (checks the comparison is fair).
  const broken = generateManifest(100).replace('type: vm', 'type: vmm').replace('preset: vm-small', 'prest: vm-small').replace('vmid: 10001', 'vmid: "x"');
  const a = (await service.validate(file, broken)).map((d) => `${d.range.start.line}:${d.range.start.character}`).sort();
  const b = (await yls.doValidation(TextDocument.create(uri, 'yaml', version, broken), false)).map((d) => `${d.range.start.line}:${d.range.start.character}`).sort();

  const out = {
    benchmark: 'validate',
    date: new Date().toISOString(),
    node: process.version,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    cpus: os.cpus().length,
    what: 'Median ms to validate a v2 manifest after an edit (text changes every iteration): proxmox-iac language service (schema + semantic + site-config references) vs yaml-language-server doValidation with the same schema, same process, alternating.',
    target: { ratioAtLeast: 5, ms1000NodesBelow: 20 },
    results,
    sameFindings: { ours: a, yamlLanguageServer: b, equal: JSON.stringify(a) === JSON.stringify(b) },
  };
  mkdirSync(nodePath.join(root, 'bench/results'), { recursive: true });
  writeFileSync(nodePath.join(root, 'bench/results/validate.json'), `${JSON.stringify(out, null, 2)}\n`);
  const r1000 = results.find((r) => r.nodes === 1000)!;
  console.log(`1,000 nodes: ${r1000.oursMs} ms (target < 20), ratio ${r1000.ratio}× (target ≥ 5). Same findings on seeded mistakes: ${out.sameFindings.equal}.`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
