// The ReplicaSet controller for the controller manager, and its parts other controllers reuse.
import type { ControllerFactory } from '../controller.js';
import { ReplicaSetController } from './replicaset-controller.js';

export { ReplicaSetController, REPLICASET_CONTROLLER_NAME, BURST_REPLICAS, type ReplicaSetControllerOptions } from './replicaset-controller.js';
export { ControllerExpectations, UIDTrackingControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from '../expectations.js';
export { POD_CONTROLLER_UID_INDEX, ORPHAN_POD_INDEX_KEY, podControllerUIDIndexer, PodsByController } from './pod-index.js';

export const replicaSetController: ControllerFactory = (context) => new ReplicaSetController(context);
