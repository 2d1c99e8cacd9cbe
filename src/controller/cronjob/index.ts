// The CronJob controller, as the controller manager builds it.
import type { ControllerFactory } from '../controller.js';
import { CronJobController } from './cronjob-controller.js';

export { CronJobController } from './cronjob-controller.js';

export const cronJobController: ControllerFactory = (context) => new CronJobController(context);
