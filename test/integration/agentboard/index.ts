// Mocha's describe/it are installed by the harness before the test files below load.
export { run } from '../harness';
import './tooltips.test';
import './board.test';
import './restore.test';
