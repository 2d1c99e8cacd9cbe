// The namespace controller for kube-controller-manager's "namespace" controller.
import type { ControllerFactory } from '../controller.js';
import { NamespaceController, type NamespaceControllerOptions } from './namespace-controller.js';

export { NamespaceController, type NamespaceControllerOptions } from './namespace-controller.js';
export { NamespacedResourcesDeleter, ResourcesRemainingError } from './deleter.js';

export const namespaceController: ControllerFactory = (context) => new NamespaceController(context);

/** The factory with settings (tests: no 5 s delay, a failing discovery). */
export const namespaceControllerWith =
  (options: NamespaceControllerOptions): ControllerFactory =>
  (context) =>
    new NamespaceController(context, options);
