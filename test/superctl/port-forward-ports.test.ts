// The port specs of port-forward, read as kubectl reads them: LOCAL:REMOTE, :REMOTE, PORT, named
// container ports on a pod, service ports (by number or name) mapped to the target port.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { parsePorts } from '../../src/superctl/remote/port-forward-ports.js';

const POD: Pod = {
  metadata: { name: 'web' },
  spec: {
    containers: [
      { name: 'httpd', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] },
    ],
  },
};

const service = (targetPort: number | string | undefined, clusterIP?: string): Service => ({
  metadata: { name: 'web' },
  spec: { ...(clusterIP !== undefined ? { clusterIP } : {}), ports: [{ name: 'web', port: 80, ...(targetPort !== undefined ? { targetPort } : {}) }] },
});

describe('parsePorts', () => {
  it('reads LOCAL:REMOTE, :REMOTE (local 0) and PORT on a pod, and named container ports', () => {
    expect(parsePorts(['8081:80', ':80', '80'], POD)).toEqual([
      { local: 8081, remote: 80 },
      { local: 0, remote: 80 },
      { local: 80, remote: 80 },
    ]);
    expect(parsePorts(['http', '9000:http'], POD)).toEqual([
      { local: 8080, remote: 8080 },
      { local: 9000, remote: 8080 },
    ]);
  });

  it('maps service ports to the target port, a named one through the pod, an omitted one to itself', () => {
    expect(parsePorts(['80', ':80', '9000:web', 'web'], POD, service(8080))).toEqual([
      { local: 80, remote: 8080 },
      { local: 0, remote: 8080 },
      { local: 9000, remote: 8080 },
      { local: 80, remote: 8080 },
    ]);
    expect(parsePorts(['80'], POD, service('http'))).toEqual([{ local: 80, remote: 8080 }]);
    expect(parsePorts(['80'], POD, service(undefined))).toEqual([{ local: 80, remote: 80 }]);
    expect(parsePorts(['80'], POD, service(8080, 'None'))).toEqual([{ local: 80, remote: 80 }]);
  });

  it('refuses what kubectl refuses, with its words', () => {
    expect(() => parsePorts(['1:2:3'], POD)).toThrow("error: invalid port format '1:2:3'");
    expect(() => parsePorts(['x:80'], POD)).toThrow("error: error parsing local port 'x'");
    expect(() => parsePorts(['70000'], POD)).toThrow("error: error parsing remote port '70000'");
    expect(() => parsePorts(['80:0'], POD)).toThrow('error: remote port must be > 0');
    expect(() => parsePorts(['nope'], POD)).toThrow("error: Pod 'web' does not have a named port 'nope'");
    expect(() => parsePorts(['53'], POD)).toThrow('error: UDP protocol is not supported for 53');
    expect(() => parsePorts(['81'], POD, service(8080))).toThrow('error: Service web does not have a service port 81');
    expect(() => parsePorts(['nope'], POD, service(8080))).toThrow("error: Service 'web' does not have a named port 'nope'");
    expect(() => parsePorts(['80'], POD, service('nope'))).toThrow("error: Pod 'web' does not have a named port 'nope'");
  });
});
