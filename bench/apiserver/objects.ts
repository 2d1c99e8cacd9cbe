// The objects the benchmark writes: a small but realistic pod (a Deployment's replica: labels,
// owner reference, one container with ports, env, resources, probes and a volume; about 2 KiB of
// JSON once the server has defaulted it), a small configmap, and the status a kubelet would write.

export const NAMESPACE = 'bench';

export function namespaceManifest(name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export const podName = (i: number): string => `web-7d4b9c8f6d-${i.toString(36).padStart(5, '0')}`;

export function podManifest(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(i),
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d4b9c8f6d' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6d', uid: '6f1c2b1e-9d7a-4c3e-8f11-2a0b5c6d7e8f', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.local/web:1.25.4',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 10 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      nodeName: `node-${i % 20}`,
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
  });
}

/** A kubelet-style status for pod `i`; `beat` changes with every write so every write is a change. */
export function podStatusPatch(i: number, beat: number): string {
  const time = new Date(Date.UTC(2024, 4, 1, 10, 0, 0) + beat * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const ip = `10.42.${(i >> 8) & 255}.${i & 255}`;
  return JSON.stringify({
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: `192.168.0.${i % 20}`,
      startTime: '2024-05-01T10:00:00Z',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' },
        { type: 'Ready', status: 'True', lastTransitionTime: time },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: time },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' },
      ],
      containerStatuses: [
        {
          name: 'web',
          image: 'registry.local/web:1.25.4',
          imageID: 'registry.local/web@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
          containerID: `docker://${(i * 2654435761).toString(16).padStart(12, '0')}`,
          ready: true,
          started: true,
          restartCount: beat,
          state: { running: { startedAt: time } },
        },
      ],
    },
  });
}

export function configMapManifest(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench' } },
    data: { 'app.properties': 'mode=bench\nreplicas=3\n', 'LOG_LEVEL': 'info' },
  });
}
