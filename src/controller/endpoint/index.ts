// The Endpoints controller for the controller manager, and the pod/Service helpers the
// EndpointSlice controller shares with it.
import type { ControllerFactory } from '../controller.js';
import { EndpointsController } from './endpoints-controller.js';

export { EndpointsController, ENDPOINT_CONTROLLER_NAME, HEADLESS_SERVICE_LABEL, type EndpointsControllerOptions } from './endpoints-controller.js';
export { LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from './trigger-time-tracker.js';

export const endpointsController: ControllerFactory = (context) => new EndpointsController(context);
