import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { generateManifest } from '../generate';
import * as nodePath from 'node:path';
const file = nodePath.resolve('test/fixtures/examples/site-config/manifests/bench.yaml');
(async () => {
  const s = createLanguageService(nodeFileSource());
  const base = generateManifest(Number(process.argv[2] ?? 10));
  const u0 = process.cpuUsage(); const t0 = performance.now();
  const N = Number(process.argv[3] ?? 2000);
  for (let i = 0; i < N; i++) await s.validate(file, base.replace('vmid: 10000', `vmid: ${20000 + i}`));
  const u = process.cpuUsage(u0);
  console.log('per validate cpu ms', ((u.user + u.system) / 1000 / N).toFixed(3), 'wall', ((performance.now() - t0) / N).toFixed(3));
})();
