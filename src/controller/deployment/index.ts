// The Deployment controller's factory, for the controller manager.
import type { ControllerFactory } from '../controller.js';
import { DeploymentController } from './deployment-controller.js';

export { DeploymentController } from './deployment-controller.js';

export const deploymentController: ControllerFactory = (context) => new DeploymentController(context);
