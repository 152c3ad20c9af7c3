// The graph benchmark's tests module, run inside the real extension host by bench/graph/run.mjs.
export { run } from '../../../test/integration/harness';
import './graph.bench';
