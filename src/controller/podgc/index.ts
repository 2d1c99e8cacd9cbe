// PodGC: deletes terminated pods beyond a threshold, orphans of deleted nodes, and terminating pods
// no superlet will finish.
import type { ControllerFactory } from '../controller.js';
import { PodGCController, type PodGCOptions } from './podgc-controller.js';

export { PodGCController, type PodGCOptions } from './podgc-controller.js';

export function podGCController(options: PodGCOptions = {}): ControllerFactory {
  return (context) => new PodGCController(context, options);
}
