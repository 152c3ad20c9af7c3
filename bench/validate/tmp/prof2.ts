import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { generateManifest } from '../generate';
import * as nodePath from 'node:path';
const file = nodePath.resolve('test/fixtures/examples/site-config/manifests/bench.yaml');
(async () => {
  const s = createLanguageService(nodeFileSource());
  const base = generateManifest(1000);
  for (let i = 0; i < 40; i++) await s.validate(file, base.replace('vmid: 10000', `vmid: ${20000 + i}`));
})();
