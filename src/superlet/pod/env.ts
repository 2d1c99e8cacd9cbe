// A container's environment as the kubelet builds it (makeEnvironmentVariables): envFrom first,
// then env in order, each value expanding $(VAR) against what came before it and the service
// variables; valueFrom reads ConfigMaps, Secrets, pod fields and resources.
import type { ConfigMap, Container, EnvVar, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError, type ConfigEvent } from './config-error.js';
import { expand, mappingFor } from './expansion.js';
import { podFieldValue, type PodAddresses } from './field-ref.js';
import { decodeBase64, notFoundMessage, ownValue, type PodObjectSource } from './object-source.js';
import { resourceFieldValue, type NodeAllocatable } from './resources.js';

export interface EnvContext extends PodAddresses {
  source: PodObjectSource;
  /** Node allocatable: the value of limits.* for a container that sets none. */
  nodeAllocatable?: NodeAllocatable;
  /** Service link variables (FOO_SERVICE_HOST...), appended after the container's own. */
  serviceEnv?: ReadonlyMap<string, string>;
}

export interface EnvResult {
  /** In order: envFrom keys, then env entries (a name set twice keeps its first place, last value). */
  env: { name: string; value: string }[];
  /** Warnings for the pod (InvalidEnvironmentVariableNames). */
  events: ConfigEvent[];
}

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Whether envFrom may use a key as a variable name (the kubelet skips the others). */
export function isEnvVarName(name: string): boolean {
  return ENV_VAR_NAME.test(name);
}

// One lookup per object for the whole container, as the kubelet caches within one call.
class ObjectCache {
  private readonly configMaps = new Map<string, ConfigMap | undefined>();
  private readonly secrets = new Map<string, Secret | undefined>();
  constructor(private readonly source: PodObjectSource, private readonly namespace: string) {}

  async configMap(name: string): Promise<ConfigMap | undefined> {
    if (!this.configMaps.has(name)) this.configMaps.set(name, await lookup(() => this.source.getConfigMap(this.namespace, name)));
    return this.configMaps.get(name);
  }

  async secret(name: string): Promise<Secret | undefined> {
    if (!this.secrets.has(name)) this.secrets.set(name, await lookup(() => this.source.getSecret(this.namespace, name)));
    return this.secrets.get(name);
  }
}

async function lookup<T>(get: () => Promise<T>): Promise<T> {
  try {
    return await get();
  } catch (err) {
    if (err instanceof ContainerConfigError) throw err;
    throw new ContainerConfigError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function secretEntries(secret: Secret): [string, string][] {
  return Object.entries(secret.data ?? {}).map(([k, v]) => [k, decodeBase64(v).toString('utf8')]);
}

/** Builds the environment; throws ContainerConfigError for a missing object or key that is not optional. */
export async function makeEnvironment(pod: Pod, container: Container, ctx: EnvContext): Promise<EnvResult> {
  const namespace = pod.metadata?.namespace ?? '';
  const cache = new ObjectCache(ctx.source, namespace);
  const events: ConfigEvent[] = [];
  const vars = new Map<string, string>();
  const serviceEnv = ctx.serviceEnv ?? new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let entries: [string, string][];
    let kind: 'configMap' | 'secret';
    let name: string;
    if (from.configMapRef) {
      kind = 'configMap';
      name = from.configMapRef.name ?? '';
      const cm = await cache.configMap(name);
      if (cm === undefined) {
        if (from.configMapRef.optional === true) continue;
        throw new ContainerConfigError(notFoundMessage('configmap', name));
      }
      entries = Object.entries(cm.data ?? {});
    } else if (from.secretRef) {
      kind = 'secret';
      name = from.secretRef.name ?? '';
      const secret = await cache.secret(name);
      if (secret === undefined) {
        if (from.secretRef.optional === true) continue;
        throw new ContainerConfigError(notFoundMessage('secret', name));
      }
      entries = secretEntries(secret);
    } else continue;

    const invalid: string[] = [];
    for (const [key, value] of entries) {
      const varName = prefix + key;
      if (!isEnvVarName(varName)) invalid.push(varName);
      else vars.set(varName, value);
    }
    if (invalid.length > 0) {
      invalid.sort();
      events.push({
        reason: 'InvalidEnvironmentVariableNames',
        message: `Keys [${invalid.join(', ')}] from the EnvFrom ${kind} ${namespace}/${name} were skipped since they are considered invalid environment variable names.`,
      });
    }
  }

  const mapping = mappingFor(vars, serviceEnv);
  for (const envVar of container.env ?? []) {
    const value = await envVarValue(envVar, pod, container, ctx, cache, namespace, (v) => expand(v, mapping));
    if (value !== undefined) vars.set(envVar.name, value);
  }

  const env = [...vars].map(([name, value]) => ({ name, value }));
  for (const [name, value] of serviceEnv) if (!vars.has(name)) env.push({ name, value });
  return { env, events };
}

// undefined: an optional reference that is missing, so the variable is left out.
async function envVarValue(
  envVar: EnvVar,
  pod: Pod,
  container: Container,
  ctx: EnvContext,
  cache: ObjectCache,
  namespace: string,
  expandValue: (v: string) => string,
): Promise<string | undefined> {
  if (envVar.value !== undefined && envVar.value !== '') return expandValue(envVar.value);
  const from = envVar.valueFrom;
  if (from === undefined) return '';
  if (from.fieldRef) return podFieldValue(from.fieldRef, pod, ctx);
  if (from.resourceFieldRef) return resourceFieldValue(from.resourceFieldRef, pod, container, ctx.nodeAllocatable);
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = await cache.configMap(name);
    if (cm === undefined) {
      if (optional === true) return undefined;
      throw new ContainerConfigError(notFoundMessage('configmap', name));
    }
    const value = ownValue(cm.data, key);
    if (value === undefined) {
      if (optional === true) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
    }
    return value;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const secret = await cache.secret(name);
    if (secret === undefined) {
      if (optional === true) return undefined;
      throw new ContainerConfigError(notFoundMessage('secret', name));
    }
    const value = ownValue(secret.data, key);
    if (value === undefined) {
      if (optional === true) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
    }
    return decodeBase64(value).toString('utf8');
  }
  return '';
}
