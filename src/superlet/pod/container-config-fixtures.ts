// Test fixtures for the container-config tests (only tests import this file): a pod and an in-memory PodObjectSource.
import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import type { PodObjectSource } from './object-source.js';

export function memorySource(objects: { configMaps?: ConfigMap[]; secrets?: Secret[] }): PodObjectSource & { lookups: string[] } {
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  const configMaps = new Map((objects.configMaps ?? []).map((c) => [key(c.metadata?.namespace ?? '', c.metadata?.name ?? ''), c]));
  const secrets = new Map((objects.secrets ?? []).map((s) => [key(s.metadata?.namespace ?? '', s.metadata?.name ?? ''), s]));
  const lookups: string[] = [];
  return {
    lookups,
    getConfigMap: (ns, name) => {
      lookups.push(`configmap ${ns}/${name}`);
      return Promise.resolve(configMaps.get(key(ns, name)));
    },
    getSecret: (ns, name) => {
      lookups.push(`secret ${ns}/${name}`);
      return Promise.resolve(secrets.get(key(ns, name)));
    },
  };
}

export function configMap(name: string, data: Record<string, string>, binaryData?: Record<string, string>): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data, ...(binaryData ? { binaryData } : {}) };
}

/** A Secret whose data is given in plain text (stored base64, as the API serves it). */
export function secret(name: string, plain: Record<string, string>): Secret {
  const data = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns' }, data };
}

export function podWith(container: Partial<Container>, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'ns', uid: 'uid-1', labels: { app: 'web', tier: 'front' }, annotations: { 'example.com/note': 'say "hi"\n' } },
    spec: { nodeName: 'node-1', serviceAccountName: 'sa', containers: [{ name: 'main', image: 'busybox', ...container }], ...extra },
  };
}

export function mainContainer(pod: Pod): Container {
  const c = pod.spec?.containers[0];
  if (c === undefined) throw new Error('pod without containers');
  return c;
}
