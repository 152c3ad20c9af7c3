#!/usr/bin/env node
// Bundles the extension, the CLI, each webview and each integration-test suite with esbuild.
//   node scripts/build.mjs            one production-like build (minified extension, source maps)
//   node scripts/build.mjs --watch    rebuild on change
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
};

/** Folders under `dir` that hold an entry file `entry`. */
function entriesIn(dir, entry) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(abs, d.name, entry)))
    .map((d) => d.name);
}

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: !watch,
    // ssh2's optional native crypto binding and cpu-features are not bundled; ssh2 falls back to pure JS.
    external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  },
  {
    ...common,
    // The IaC language service (yaml, ajv, schemas, Nix runner) in a worker thread: a separate file that
    // dist/extension.js starts on first use (src/vscode/language/serviceHost.ts), so activation never
    // parses it and validating a large file never stalls the extension host.
    entryPoints: { 'language-worker': 'src/vscode/language/serviceWorker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: !watch,
    external: ['vscode'],
  },
  {
    ...common,
    // The manifest graph's model (YAML parser, graph): required when the first graph panel opens
    // (src/vscode/graph/model.ts), so activation never parses it.
    entryPoints: { 'graph-model': 'src/vscode/graph/modelModule.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: !watch,
  },
  {
    ...common,
    // Provisioning's YAML edits and presets: required on first use (src/vscode/provisioning/yaml.ts).
    entryPoints: { 'provision-yaml': 'src/vscode/provisioning/yamlModule.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: !watch,
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
  },
  {
    ...common,
    // What every OpenTofu/Terraform, Nix and Task task runs (src/runner/main.ts): the tool, with its file
    // references made workspace-relative for the problem matchers and a report of the run for the extension.
    entryPoints: { 'tool-runner': 'src/runner/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  ...entriesIn('webview', 'main.ts').map((name) => ({
    ...common,
    entryPoints: { [name]: `webview/${name}/main.ts` },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: !watch,
    tsconfig: 'webview/tsconfig.json',
  })),
  ...entriesIn('test/integration', 'index.ts').map((suite) => ({
    ...common,
    entryPoints: { index: `test/integration/${suite}/index.ts` },
    outdir: `out/test/integration/${suite}`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  })),
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${builds.length} bundles`);
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.length} bundles in ${Date.now() - started} ms`);
}
