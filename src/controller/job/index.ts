// The Job controller and the TTL-after-finished controller, as the controller manager builds them.
import type { ControllerFactory } from '../controller.js';
import { JobController, type JobControllerOptions } from './job-controller.js';
import { TTLAfterFinishedController } from './ttl-after-finished.js';

export { JobController, type JobControllerOptions } from './job-controller.js';
export { TTLAfterFinishedController } from './ttl-after-finished.js';

export const jobController: ControllerFactory = (context) => new JobController(context);

/** The Job controller with other settings (tests shorten the pod-failure back-off). */
export function jobControllerWith(options: JobControllerOptions): ControllerFactory {
  return (context) => new JobController(context, options);
}

export const ttlAfterFinishedController: ControllerFactory = (context) => new TTLAfterFinishedController(context);
