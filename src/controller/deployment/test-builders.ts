// Builders for the pure tests, after upstream's test helpers: newDeployment (RollingUpdate with
// maxSurge and maxUnavailable 0 unless given) and rs (a ReplicaSet of a size and an age).
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { IntOrString } from './fenceposts.js';

export interface DeploymentOptions {
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  revisionHistoryLimit?: number;
  strategy?: 'RollingUpdate' | 'Recreate';
  selector?: Record<string, string>;
}

export function newDeployment(name: string, replicas: number, options: DeploymentOptions = {}): Deployment {
  const selector = options.selector ?? { foo: 'bar' };
  const strategy = options.strategy ?? 'RollingUpdate';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations: {}, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      strategy:
        strategy === 'RollingUpdate' ? { type: strategy, rollingUpdate: { maxSurge: options.maxSurge ?? 0, maxUnavailable: options.maxUnavailable ?? 0 } } : { type: strategy },
      template: { metadata: { labels: selector }, spec: { containers: [{ name: 'app', image: 'foo/bar' }] } },
      ...(options.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: options.revisionHistoryLimit } : {}),
    },
  };
}

const BASE = Date.parse('2016-05-20T00:00:00Z');

/** A ReplicaSet of `replicas`, created `hour` hours after a fixed time (older ones have smaller hours). */
export function rs(name: string, replicas: number, hour = 0, available = 0): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: new Date(BASE + hour * 3_600_000).toISOString().replace('.000Z', 'Z') },
    spec: { replicas, selector: { matchLabels: { foo: 'bar' } }, template: {} },
    status: { replicas, availableReplicas: available },
  };
}
