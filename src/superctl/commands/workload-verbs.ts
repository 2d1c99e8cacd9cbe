// The verbs that work with running workloads and nodes: scale, set, rollout, logs, exec,
// port-forward, run, expose, wait, events, cordon, uncordon, drain, taint, completion.
import type { Register } from '../program.js';
import { register as completion } from './completion.js';
import { register as cordon } from './cordon.js';
import { register as drain } from './drain.js';
import { register as events } from './events.js';
import { register as exec } from './exec.js';
import { register as expose } from './expose.js';
import { register as logs } from './logs.js';
import { register as portForward } from './port-forward.js';
import { register as rollout } from './rollout.js';
import { register as run } from './run.js';
import { register as scale } from './scale.js';
import { register as set } from './set.js';
import { register as taint } from './taint.js';
import { register as wait } from './wait.js';

export const WORKLOAD_VERBS: Register[] = [scale, set, rollout, logs, exec, portForward, run, expose, wait, events, cordon, drain, taint, completion];
