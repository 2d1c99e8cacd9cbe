// The verbs that read: get, describe, config, api-resources, explain, cluster-info, version.
import type { Register } from '../program.js';
import { register as apiResources } from './api-resources.js';
import { register as clusterInfo } from './cluster-info.js';
import { register as config } from './config.js';
import { register as describe } from './describe.js';
import { register as explain } from './explain.js';
import { register as get } from './get.js';
import { register as version } from './version.js';

export const READING_VERBS: Register[] = [get, describe, config, apiResources, explain, clusterInfo, version];
