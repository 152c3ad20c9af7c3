/**
 * Layout in the page, not in the extension host (which also serves the explorer, diagnostics and lenses):
 * d3-hierarchy's tidy tree, see src/core/graph/treeLayout.ts. Linear in the node count, a few milliseconds
 * for 500 nodes (bench/graph), so it runs on the page's thread without a worker.
 */
export { layoutForest as layoutGraph, type Box, type Layout } from '../../src/core/graph/treeLayout';
