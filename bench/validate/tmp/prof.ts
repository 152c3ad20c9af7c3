import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { parseYaml } from '../../../src/core/iac/yaml/parse';
import { checkSchema } from '../../../src/core/iac/schemas';
import { checkManifestV2 } from '../../../src/core/iac/manifest';
import { generateManifest } from '../generate';
import * as nodePath from 'node:path';
const file = nodePath.resolve('test/fixtures/examples/site-config/manifests/bench.yaml');
(async () => {
  const s = createLanguageService(nodeFileSource());
  for (const n of [10, 1000, 5000]) {
    const base = generateManifest(n);
    const med = async (f: (i: number) => unknown) => { const ts: number[] = []; for (let i = 0; i < 11; i++) { const a = performance.now(); await f(i); ts.push(performance.now() - a); } ts.sort((a, b) => a - b); return ts[5]!.toFixed(2); };
    const data = parseYaml(base).docs[0]!.data;
    console.log(n, 'validate', await med((i) => s.validate(file, base.replace('vmid: 10000', `vmid: ${20000 + i}`))), 'parse', await med(() => parseYaml(base)), 'schema', await med(() => checkSchema('manifest-v2', data)), 'semantic', await med(() => checkManifestV2(data, {})));
  }
})();
