/**
 * Entry of `dist/provision-yaml.js`: provisioning's YAML work (write-back into manifests and talos nodes.yaml,
 * site-config size presets, provisioning from a manifest node), bundled apart from `dist/extension.js` and
 * required on first use (yaml.ts), so activation never parses yaml. Never imports `vscode`.
 */
export { addManifestNodeEdit, manifestNodeNames } from '../../core/provision/writeback/manifest';
export { presetSize } from '../../core/provision/presets';
export { answersFromResolved, resolveManifestNode, templateForImage } from '../../core/provision/fromManifest';
export { addTalosNode, existingSchematicId } from '../../core/provision/writeback/talos';
export { minimalEdit } from '../../core/provision/writeback/textEdit';
