/**
 * Entry of `dist/graph-model.js`: the manifest parser and graph (js-yaml and friends), bundled apart from
 * `dist/extension.js` and required when the first graph panel opens, so activation never parses it.
 * Never imports `vscode`.
 */
export { readManifest } from '../../core/graph/manifestSource';
export { manifestView } from '../../core/graph/manifestView';
