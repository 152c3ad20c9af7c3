import { join } from 'node:path';

export type ProvisionYamlModule = typeof import('./yamlModule');
let loaded: ProvisionYamlModule | undefined;

/** Loads `dist/provision-yaml.js` (next to dist/extension.js); the computed path keeps esbuild from bundling it here. */
export function loadProvisionYaml(): ProvisionYamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(join(__dirname, 'provision-yaml.js')) as ProvisionYamlModule;
  return loaded;
}
