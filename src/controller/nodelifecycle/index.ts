// The node lifecycle controller and, with it, taint-based eviction (upstream runs them as
// node-lifecycle-controller and taint-eviction-controller; one factory starts both, since nodes
// marked unreachable are only emptied when both run).
import type { Controller, ControllerContext, ControllerFactory } from '../controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './node-lifecycle-controller.js';
import { TaintEvictionController, type TaintEvictionOptions } from './taint-eviction-controller.js';

export { NodeLifecycleController, type NodeLifecycleOptions } from './node-lifecycle-controller.js';
export { TaintEvictionController, type TaintEvictionOptions } from './taint-eviction-controller.js';

export interface NodeLifecycleControllerOptions extends NodeLifecycleOptions, TaintEvictionOptions {
  /** Also run the taint eviction controller (default true). */
  readonly taintEviction?: boolean;
}

class NodeLifecycleWithEviction implements Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly parts: Controller[];

  constructor(context: ControllerContext, options: NodeLifecycleControllerOptions) {
    this.parts = [new NodeLifecycleController(context, options)];
    if (options.taintEviction ?? true) this.parts.push(new TaintEvictionController(context, options));
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(this.parts.map((part) => part.run(signal)));
  }
}

export function nodeLifecycleController(options: NodeLifecycleControllerOptions = {}): ControllerFactory {
  return (context) => new NodeLifecycleWithEviction(context, options);
}

/** The taint eviction controller alone (upstream's taint-eviction-controller). */
export function taintEvictionController(options: TaintEvictionOptions = {}): ControllerFactory {
  return (context) => new TaintEvictionController(context, options);
}
