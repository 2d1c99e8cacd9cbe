// The garbage collector for kube-controller-manager's "garbagecollector" controller.
import type { ControllerFactory } from '../controller.js';
import { GarbageCollector, type GarbageCollectorOptions } from './garbage-collector.js';

export { GarbageCollector, MONITORED_RESOURCES, type GarbageCollectorOptions } from './garbage-collector.js';

export const garbageCollectorController: ControllerFactory = (context) => new GarbageCollector(context);

/** The factory with settings (tests: fewer workers, a failing discovery). */
export const garbageCollectorControllerWith =
  (options: GarbageCollectorOptions): ControllerFactory =>
  (context) =>
    new GarbageCollector(context, options);
