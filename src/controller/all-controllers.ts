// The controllers SuperController runs, in one list, so `supernetes server` and `supernetes
// controller` run the same set.
import type { ControllerFactory } from './controller.js';
import { cronJobController } from './cronjob/index.js';
import { deploymentController } from './deployment/index.js';
import { garbageCollectorController } from './garbagecollector/index.js';
import { jobController, ttlAfterFinishedController } from './job/index.js';
import { namespaceController } from './namespace/index.js';
import { nodeLifecycleController } from './nodelifecycle/index.js';
import { podGCController } from './podgc/index.js';
import { replicaSetController } from './replicaset/index.js';
import { serviceAccountController } from './serviceaccount/index.js';

export function allControllers(): ControllerFactory[] {
  return [
    deploymentController,
    replicaSetController,
    jobController,
    ttlAfterFinishedController,
    cronJobController,
    nodeLifecycleController(),
    podGCController(),
    garbageCollectorController,
    namespaceController,
    serviceAccountController,
  ];
}
