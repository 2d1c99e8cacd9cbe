// The controllers SuperController runs, in one list, so `supernetes server` and `supernetes
// controller` run the same set.
import type { ControllerFactory } from './controller.js';
import { cronJobController } from './cronjob/index.js';
import { deploymentController } from './deployment/index.js';
import { endpointsController } from './endpoint/index.js';
import { endpointSliceController } from './endpointslice/index.js';
import { garbageCollectorController } from './garbagecollector/index.js';
import { jobController, ttlAfterFinishedController } from './job/index.js';
import { namespaceController } from './namespace/index.js';
import { nodeLifecycleController, type NodeLifecycleControllerOptions } from './nodelifecycle/index.js';
import { podGCController } from './podgc/index.js';
import { replicaSetController } from './replicaset/index.js';
import { serviceAccountController } from './serviceaccount/index.js';

export interface AllControllersOptions {
  /** Node monitoring and eviction timings (tests shorten them). */
  readonly nodeLifecycle?: NodeLifecycleControllerOptions;
}

export function allControllers(options: AllControllersOptions = {}): ControllerFactory[] {
  return [
    deploymentController,
    replicaSetController,
    jobController,
    ttlAfterFinishedController,
    cronJobController,
    nodeLifecycleController(options.nodeLifecycle),
    podGCController(),
    garbageCollectorController,
    namespaceController,
    serviceAccountController,
    endpointsController,
    endpointSliceController,
  ];
}
