// Mocha's describe/it are installed by the harness before the test files below load.
export { run } from '../harness';
import './graph.test';
import './restore.test';
import './fleet.test';
