import type { ClientPool } from '../connections/clients';
import type { ConnectionStore } from '../connections/store';
import type { Services } from '../services';

/** The clusters a task may ask over the API (the build-template task checks VMIDs there). */
export interface ClusterAccess {
  readonly store: ConnectionStore;
  readonly pool: ClientPool;
}

/** What the tasks capability gets: the shared services, and the explorer's connections when there are any. */
export interface TaskServices extends Services {
  readonly clusters?: ClusterAccess;
}
