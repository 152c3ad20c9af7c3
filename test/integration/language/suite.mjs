// The language suite runs on a copy of a site-config made from the shared examples plus one file per seeded
// mistake (test/fixtures/overlays/language/site-config/manifests/seeded-*.yaml). Built per run (scripts/vscode/workspace.mjs).
import { workspaces } from '../../../scripts/vscode/workspace.mjs';
export const workspace = workspaces.language;
