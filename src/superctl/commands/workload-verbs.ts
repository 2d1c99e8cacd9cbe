// The verbs that work with running workloads and nodes: scale, set, rollout, logs, exec,
// port-forward, run, expose, wait, events, cordon, uncordon, drain, taint, completion.
import type { Register } from '../program.js';

export const WORKLOAD_VERBS: Register[] = [];
