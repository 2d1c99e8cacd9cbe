// The EndpointSlice controller for the controller manager.
import type { ControllerFactory } from '../controller.js';
import { EndpointSliceController } from './endpointslice-controller.js';

export { EndpointSliceController, ENDPOINTSLICE_CONTROLLER_NAME, type EndpointSliceControllerOptions } from './endpointslice-controller.js';
export { CONTROLLER_MANAGED_BY, MANAGED_BY_LABEL, MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL } from './slice-plan.js';

export const endpointSliceController: ControllerFactory = (context) => new EndpointSliceController(context);
