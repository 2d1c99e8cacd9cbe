// One describer per kind; the generic one for the rest.
import type { RestClient } from '../../client/rest-client.js';
import { describeDeployment } from './deployment.js';
import { describeGeneric } from './generic.js';
import { describeJob } from './job.js';
import { describeNamespace } from './namespace.js';
import { describeNode } from './node.js';
import { describePod } from './pod.js';
import { describeReplicaSet } from './replicaset.js';
import { describeService } from './service.js';

type Describer = (client: RestClient, object: never) => Promise<string>;

const DESCRIBERS: Record<string, Describer> = {
  '/Pod': describePod,
  'apps/Deployment': describeDeployment,
  'apps/ReplicaSet': describeReplicaSet,
  '/Node': describeNode,
  '/Service': describeService,
  '/Namespace': (_client, ns) => describeNamespace(ns),
  'batch/Job': describeJob,
};

/** describe's text for one object of the given group and kind. */
export function describeObject(client: RestClient, group: string, kind: string, object: unknown): Promise<string> {
  const describer = DESCRIBERS[`${group}/${kind}`];
  if (describer !== undefined) return describer(client, object as never);
  return describeGeneric(client, object as Record<string, unknown>, kind);
}
