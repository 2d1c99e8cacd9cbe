// Every built-in resource Supernetes serves.
import type { ResourceDescriptor } from '../resource.js';
import { coreResources } from './core.js';
import { endpointslices, leases } from './other-groups.js';
import { cronjobs, deployments, jobs, replicasets } from './workloads.js';

export function builtInResources(): ResourceDescriptor[] {
  return [...coreResources, deployments, replicasets, jobs, cronjobs, leases, endpointslices];
}
