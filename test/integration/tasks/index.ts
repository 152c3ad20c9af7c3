// Mocha's describe/it are installed by the harness before the test files below load.
export { run } from '../harness';
import './injection.test';
import './kinds.test';
import './flakeApps.test';
import './results.test';
import './lock.test';
import './template.test';
import './commitState.test';
