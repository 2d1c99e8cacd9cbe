// Controllers under test against a real in-process API server (no Docker): builds the context the
// controller manager would, starts the given controllers, and stops them with the control plane.
import { setMaxListeners } from 'node:events';
import { EventRecorder } from '../../src/client/event-recorder.js';
import { InformerFactory } from '../../src/client/informer-factory.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { Controller, ControllerContext, ControllerFactory } from '../../src/controller/controller.js';
import { createLogger, silentLogger } from '../../src/util/log.js';
import { startTestControlPlane, type TestControlPlane } from './control-plane.js';

export interface TestControllers {
  readonly plane: TestControlPlane;
  /** An admin client for the test's own reads and writes. */
  readonly client: RestClient;
  readonly context: ControllerContext;
  readonly controllers: Controller[];
  /** Stops the controllers (not the control plane): a controller "crash". */
  stopControllers(): Promise<void>;
  /** Starts fresh instances of the same controllers (after stopControllers). */
  restartControllers(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestControllersOptions {
  /** A clock for time-based controllers; default the real one. */
  readonly now?: () => Date;
  /** Use this control plane instead of starting one (it is then not stopped by stop()). */
  readonly plane?: TestControlPlane;
}

export async function startTestControllers(factories: ControllerFactory[], options: TestControllersOptions = {}): Promise<TestControllers> {
  const plane = options.plane ?? (await startTestControlPlane());
  const config = await loadKubeconfig(plane.kubeconfigPath);
  const client = new RestClient({ config });
  const logger = process.env.SUPERNETES_TEST_LOG === '1' ? createLogger('test-controllers', 'debug') : silentLogger;
  let stopSignal = new AbortController();
  let running: Promise<void>[] = [];
  let context: ControllerContext;
  let controllers: Controller[] = [];

  const start = async (): Promise<void> => {
    stopSignal = new AbortController();
    // Every informer, queue and watch of every controller listens on it.
    setMaxListeners(0, stopSignal.signal);
    const controllerClient = new RestClient({ config: { ...config, userAgent: 'supernetes-controller' } });
    context = {
      client: controllerClient,
      informers: new InformerFactory({ client: controllerClient, logger }),
      recorder: new EventRecorder({ client: controllerClient, component: 'supernetes-controller', logger }),
      logger,
      now: options.now ?? (() => new Date()),
    };
    controllers = factories.map((factory) => factory(context));
    context.informers.start(stopSignal.signal);
    await context.informers.waitForSync(stopSignal.signal);
    running = controllers.map((c) => c.run(stopSignal.signal));
  };
  await start();

  const stopControllers = async (): Promise<void> => {
    stopSignal.abort();
    await Promise.allSettled(running);
  };
  return {
    plane,
    client,
    get context() { return context; },
    get controllers() { return controllers; },
    stopControllers,
    restartControllers: start,
    stop: async () => {
      await stopControllers();
      if (options.plane === undefined) await plane.stop();
    },
  };
}
