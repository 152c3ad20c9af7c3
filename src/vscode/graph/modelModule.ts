/**
 * Entry of `dist/graph-model.js`: the manifest parser and graph (js-yaml and friends), and the fleet graphs of
 * hosts.nix (evaluated with Nix) and talos nodes.yaml, bundled apart from `dist/extension.js` and required when
 * the first graph panel opens, so activation never parses it. Never imports `vscode`.
 */
export { readManifest } from '../../core/graph/manifestSource';
export { manifestView } from '../../core/graph/manifestView';
export { hostsNixGraph, talosGraph, talosProxmoxNode } from '../../core/graph/fleetGraph';
export { declaredGuestsFromNix, nixProxmoxSettings, resolveNixBin, NIX_NOT_INSTALLED_MESSAGE } from '../../core/iac/nix/index';
export { readBoundedText } from '../../core/fs/boundedRead';
