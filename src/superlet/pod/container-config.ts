// A pod's container → the runtime's ContainerConfig (the kubelet's generateContainerConfig):
// environment, command and args with $(VAR) expanded, working dir, mounts, resources, security,
// terminal settings. Reads ConfigMaps and Secrets through the injected source and the filesystem
// only for subPath mounts; starts nothing.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig } from '../runtime/runtime.js';
import type { ConfigEvent } from './config-error.js';
import { makeEnvironment, type EnvContext } from './env.js';
import { expand, mappingFor } from './expansion.js';
import { makeMounts } from './mounts.js';
import { containerResources } from './resources.js';
import { containerSecurity } from './security-context.js';

export { ContainerConfigError, type ConfigEvent } from './config-error.js';
export type { EnvContext } from './env.js';
export type { PodObjectSource } from './object-source.js';
export type { NodeAllocatable } from './resources.js';
export { verifyRunAsNonRoot } from './security-context.js';

export interface ContainerConfigInput extends EnvContext {
  pod: Pod;
  container: Container;
  /** 0 for the first run, +1 for each restart (default 0). */
  attempt?: number;
  /** Volume name → host path, from VolumeManager.prepare. */
  volumes: ReadonlyMap<string, string>;
  /** Kept on the container (e.g. the hash of the spec it was made from). */
  annotations?: Record<string, string>;
  /** Warnings for the pod's events (InvalidEnvironmentVariableNames); the container still starts. */
  onEvent?: (event: ConfigEvent) => void;
}

/** command/args with $(VAR) expanded against the final environment, as the kubelet does. */
export function expandCommandAndArgs(container: Container, env: readonly { name: string; value: string }[]): { command?: string[]; args?: string[] } {
  const mapping = mappingFor(new Map(env.map((e) => [e.name, e.value])));
  const out: { command?: string[]; args?: string[] } = {};
  if (container.command !== undefined && container.command.length > 0) out.command = container.command.map((c) => expand(c, mapping));
  if (container.args !== undefined && container.args.length > 0) out.args = container.args.map((a) => expand(a, mapping));
  return out;
}

/** Builds the config; throws ContainerConfigError (CreateContainerConfigError) with the kubelet's message. */
export async function buildContainerConfig(input: ContainerConfigInput): Promise<ContainerConfig> {
  const { pod, container } = input;
  const { env, events } = await makeEnvironment(pod, container, input);
  const mounts = await makeMounts(pod, container, input.volumes, env);
  const config: ContainerConfig = {
    name: container.name,
    attempt: input.attempt ?? 0,
    image: container.image ?? '',
    ...expandCommandAndArgs(container, env),
    env,
    mounts,
    resources: containerResources(container),
    security: containerSecurity(pod, container),
    tty: container.tty === true,
    stdin: container.stdin === true,
    stdinOnce: container.stdinOnce === true,
  };
  if (container.workingDir !== undefined && container.workingDir !== '') config.workingDir = container.workingDir;
  if (input.annotations !== undefined) config.annotations = input.annotations;
  for (const event of events) input.onEvent?.(event);
  return config;
}
