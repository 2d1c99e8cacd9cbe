// Runs one probe of a container (the kubelet's prober.runProbe): exec through the runtime, httpGet
// and tcpSocket to the pod's address (or the probe's host), ports by number or by container port
// name. gRPC probes are not supported: they report an error, which the kubelet does not count.
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { expand, mappingFor } from '../pod/expansion.js';
import type { Runtime } from '../runtime/runtime.js';
import { httpProbe, probeHeaders, probeURL } from './http-probe.js';
import { MAX_OUTPUT_BYTES, type ProbeOutcome } from './probe-types.js';
import { tcpProbe } from './tcp-probe.js';

/** What a probe runs against. */
export interface ProbeTarget {
  pod: Pod;
  container: Container;
  /** The runtime's id of the running container (exec probes). */
  containerId: string;
  /** The pod's address; httpGet and tcpSocket go there unless the probe names a host. */
  podIP: string;
}

/** Runs one probe once; never throws (a probe that cannot run is 'unknown' with an error). */
export interface ProbeRunner {
  run(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome>;
}

/** A probe's timeout (default 1 s) in milliseconds. */
export function probeTimeoutMs(probe: Probe): number {
  return (probe.timeoutSeconds !== undefined && probe.timeoutSeconds > 0 ? probe.timeoutSeconds : 1) * 1000;
}

/** A probe's port: a number, a container port's name, or a number written as a string. */
export function resolveContainerPort(port: number | string, container: Container): number {
  let resolved: number;
  if (typeof port === 'number') resolved = port;
  else {
    const named = container.ports?.find((p) => p.name === port);
    if (named !== undefined) resolved = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) resolved = Number(port);
    // Go's strconv.Atoi error, which the kubelet passes on.
    else throw new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  }
  if (resolved > 0 && resolved < 65536) return resolved;
  throw new Error(`invalid port number: ${resolved}`);
}

/** The exec command with $(VAR) expanded from the container's literal env values only, as upstream. */
export function expandProbeCommand(command: readonly string[], container: Container): string[] {
  const vars = new Map((container.env ?? []).map((e) => [e.name, e.value ?? '']));
  const mapping = mappingFor(vars);
  return command.map((c) => expand(c, mapping));
}

export interface ProberOptions {
  runtime: Pick<Runtime, 'execSync'>;
}

export class Prober implements ProbeRunner {
  constructor(private readonly options: ProberOptions) {}

  async run(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
    const timeoutMs = probeTimeoutMs(probe);
    try {
      if (probe.exec) return await this.exec(expandProbeCommand(probe.exec.command ?? [], target.container), target.containerId, timeoutMs);
      if (probe.httpGet) {
        const get = probe.httpGet;
        const port = resolveContainerPort(get.port, target.container);
        const url = probeURL(get.scheme ?? 'HTTP', get.host || target.podIP, port, get.path ?? '');
        return await httpProbe({ url, headers: probeHeaders(get.httpHeaders), timeoutMs });
      }
      if (probe.tcpSocket) {
        const port = resolveContainerPort(probe.tcpSocket.port, target.container);
        return await tcpProbe(probe.tcpSocket.host || target.podIP, port, timeoutMs);
      }
      if (probe.grpc) return { result: 'unknown', output: '', error: 'gRPC probes are not supported by this superlet' };
      const pod = target.pod.metadata;
      return { result: 'unknown', output: '', error: `missing probe handler for ${pod?.name ?? ''}_${pod?.namespace ?? ''}(${pod?.uid ?? ''}):${target.container.name}` };
    } catch (err) {
      return { result: 'unknown', output: '', error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async exec(command: string[], containerId: string, timeoutMs: number): Promise<ProbeOutcome> {
    const res = await this.options.runtime.execSync(containerId, command, timeoutMs);
    // With ExecProbeTimeout (on since 1.20) a command past its timeout is a failure.
    if (res.timedOut) return { result: 'failure', output: `command ${JSON.stringify(command.join(' '))} timed out` };
    const output = Buffer.from(res.stdout + res.stderr).subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
    return { result: res.exitCode === 0 ? 'success' : 'failure', output };
  }
}
