// The ports of `port-forward`, read the way kubectl reads them: LOCAL:REMOTE, :REMOTE (a local
// port the system picks) or PORT (the same on both sides). Through a service the remote side is a
// service port (number or name), turned into the target port of the pod picked (a named target
// port is looked up in the pod's containers); on a pod it may name a container port.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { CliError } from '../cli-error.js';

export interface ForwardedPort {
  /** 0: let the system pick one. */
  readonly local: number;
  readonly remote: number;
}

function split(spec: string): { local: string | undefined; remote: string } {
  const parts = spec.split(':');
  if (parts.length === 1) return { local: undefined, remote: parts[0] ?? '' };
  if (parts.length === 2) return { local: parts[0] ?? '', remote: parts[1] ?? '' };
  throw new CliError(`error: invalid port format '${spec}'`);
}

function portNumber(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

function containerPortByName(pod: Pod, name: string): number {
  for (const container of pod.spec?.containers ?? []) {
    const port = (container.ports ?? []).find((p) => p.name === name);
    if (port !== undefined) return port.containerPort;
  }
  throw new CliError(`error: Pod '${pod.metadata?.name ?? ''}' does not have a named port '${name}'`);
}

/** Upstream's LookupContainerPortNumberByServicePort: the pod port a service port leads to. */
function targetPortOf(service: Service, pod: Pod, servicePort: number): number {
  const spec = (service.spec?.ports ?? []).find((p) => p.port === servicePort);
  if (spec === undefined) throw new CliError(`error: Service ${service.metadata?.name ?? ''} does not have a service port ${servicePort}`);
  if (service.spec?.clusterIP === 'None') return servicePort;
  const target = spec.targetPort;
  if (target === undefined || target === 0 || target === '') return servicePort;
  if (typeof target === 'number') return target;
  const numeric = portNumber(target);
  return numeric ?? containerPortByName(pod, target);
}

function servicePortByName(service: Service, name: string): number {
  const spec = (service.spec?.ports ?? []).find((p) => p.name === name);
  if (spec === undefined) throw new CliError(`error: Service '${service.metadata?.name ?? ''}' does not have a named port '${name}'`);
  return spec.port;
}

/**
 * The forwarded ports the specs ask for, remote ports on the pod. Without a local port the local
 * one is the number written (kubectl: `80` through a service listens on 80 and reaches the target).
 */
export function parsePorts(specs: readonly string[], pod: Pod, service?: Service): ForwardedPort[] {
  return specs.map((spec) => {
    const { local, remote } = split(spec);
    let remoteNumber = portNumber(remote);
    if (service !== undefined) {
      const servicePort = remoteNumber ?? servicePortByName(service, remote);
      remoteNumber = targetPortOf(service, pod, servicePort);
      // A bare service port: the local port is the service port written (or its number, for a name).
      if (local === undefined) return checked(String(servicePort), remoteNumber, pod);
    } else if (remoteNumber === undefined && /^[a-z0-9-]+$/i.test(remote) && !/^[0-9]+$/.test(remote)) {
      remoteNumber = containerPortByName(pod, remote);
      if (local === undefined) return checked(String(remoteNumber), remoteNumber, pod);
    }
    if (remoteNumber === undefined) throw new CliError(`error: error parsing remote port '${remote}': not a port number`);
    return checked(local ?? remote, remoteNumber, pod);
  });
}

function checked(localText: string, remote: number, pod: Pod): ForwardedPort {
  const local = portNumber(localText === '' ? '0' : localText);
  if (local === undefined) throw new CliError(`error: error parsing local port '${localText}': not a port number (0-65535)`);
  if (remote === 0) throw new CliError('error: remote port must be > 0');
  // Port-forward carries TCP only; kubectl refuses a port the pod declares for UDP alone.
  const declared = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).filter((p) => p.containerPort === remote);
  if (declared.length > 0 && declared.every((p) => p.protocol === 'UDP')) throw new CliError(`error: UDP protocol is not supported for ${remote}`);
  return { local, remote };
}
