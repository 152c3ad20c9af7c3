// Mocha's describe/it are installed by the harness before the test files below load.
export { run } from '../harness';
import './diagnostics.test';
import './features.test';
import './schemas.test';
import './validateWorkspace.test';
import './worker.test';
import './talos.test';
