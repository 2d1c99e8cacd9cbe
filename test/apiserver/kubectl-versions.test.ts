// Every kubectl from 1.27 to 1.33 that the machine has, against one server: discovery (aggregated
// v2beta1 for the older ones, v2 for 1.30+), OpenAPI (v2 protobuf before 1.29, v3 after), client-side
// apply twice (the second changes nothing), get, explain and delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { Kubectl, kubectlVersions } from '../support/kubectl.js';

let plane: TestControlPlane;

beforeAll(async () => {
  plane = await startTestControlPlane();
});

afterAll(async () => {
  await plane?.stop();
});

const manifest = (ns: string): string => `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${ns}}
data: {mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "supernetes.local/busybox:1"}]
`;

describe.each(kubectlVersions())('kubectl $version', ({ version, binary }) => {
  const ns = `v${version.replace(/\W/g, '')}`;

  it('discovers, applies twice, gets, explains and deletes', async () => {
    const kubectl = new Kubectl(plane.kubeconfigPath, binary);
    expect(await kubectl.ok(['api-resources', '--api-group=apps', '-o', 'name'])).toContain('deployments.apps');
    expect(await kubectl.ok(['apply', '-f', '-'], manifest(ns))).toBe(
      `namespace/${ns} created\nconfigmap/settings created\ndeployment.apps/web created\n`,
    );
    expect(await kubectl.ok(['apply', '-f', '-'], manifest(ns))).toBe(
      `namespace/${ns} unchanged\nconfigmap/settings unchanged\ndeployment.apps/web unchanged\n`,
    );
    expect(await kubectl.ok(['apply', '-f', '-'], manifest(ns).replace('mode: fast', 'mode: slow'))).toContain('configmap/settings configured');
    expect(await kubectl.ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'])).toBe('slow');
    expect(await kubectl.ok(['-n', ns, 'get', 'deploy'])).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/1/);
    expect(await kubectl.ok(['explain', 'deployment.spec.replicas'])).toMatch(/replicas\s*<integer>/i);
    expect(await kubectl.ok(['-n', ns, 'delete', 'deploy', 'web'])).toBe('deployment.apps "web" deleted\n');
  });
});
