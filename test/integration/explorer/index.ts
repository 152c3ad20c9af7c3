// Mocha's describe/it are installed by the harness before the test file below loads.
export { run } from '../harness';
import './explorer.test';
import './actions.test';
import './paging.test';
import './everyday.test';
import './guestConfig.test';
import './fleetLive.test';
// Last: it rotates the demo token's secret on the simulator.
import './errorAction.test';
