// The explorer benchmark's tests module, run inside the real extension host by bench/explorer-vscode/run.mjs.
export { run } from '../../../test/integration/harness';
import './explorer.bench';
