// The ServiceAccounts controller: a "default" ServiceAccount in every active namespace.
import type { ControllerFactory } from '../controller.js';
import { ServiceAccountsController, type ServiceAccountsControllerOptions } from './serviceaccounts-controller.js';

export { ServiceAccountsController, type ServiceAccountsControllerOptions } from './serviceaccounts-controller.js';

export const serviceAccountController: ControllerFactory = (context) => new ServiceAccountsController(context);

/** The same controller with other account names (upstream's --service-account-names). */
export function serviceAccountControllerWith(options: ServiceAccountsControllerOptions): ControllerFactory {
  return (context) => new ServiceAccountsController(context, options);
}
