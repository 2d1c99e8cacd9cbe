// The verbs that work with running workloads and nodes: scale, set, rollout, logs, exec,
// port-forward, run, expose, wait, events, cordon, uncordon, drain, taint, completion.
import type { Register } from '../program.js';
import { register as exec } from './exec.js';
import { register as logs } from './logs.js';
import { register as rollout } from './rollout.js';
import { register as scale } from './scale.js';
import { register as set } from './set.js';

export const WORKLOAD_VERBS: Register[] = [scale, set, rollout, logs, exec];
