// A container's resources: what the runtime enforces (memory limit, CPU quota and shares) and what
// env valueFrom.resourceFieldRef exposes (containerResourceRuntimeValue), with unset limits
// defaulting to the node's allocatable as the kubelet's defaultPodLimitsForDownwardAPI does.
import type { Container, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { Quantity, QuantityError } from '../../api/quantity.js';
import type { ContainerResources } from '../runtime/runtime.js';
import { ContainerConfigError } from './config-error.js';
import { ownValue } from './object-source.js';

/** Node allocatable (quantity strings): stands in for limits a container leaves unset. */
export interface NodeAllocatable {
  cpu?: string;
  memory?: string;
  'ephemeral-storage'?: string;
}

type ResourceList = Readonly<Record<string, string | number>> | undefined;

function quantityOf(list: ResourceList, name: string): Quantity | undefined {
  const raw = ownValue(list, name);
  if (raw === undefined) return undefined;
  try {
    return Quantity.parse(String(raw));
  } catch (err) {
    if (err instanceof QuantityError) throw new ContainerConfigError(`invalid quantity ${JSON.stringify(raw)} for ${name}: ${err.message}`, { cause: err });
    throw err;
  }
}

function toSafeNumber(n: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(n > max ? max : n < 0n ? 0n : n);
}

/** Memory limit in bytes, CPU limit and request in millicores; a request left unset takes the limit for shares. */
export function containerResources(container: Container): ContainerResources {
  const limits = container.resources?.limits;
  const requests = container.resources?.requests;
  const memoryLimit = quantityOf(limits, 'memory');
  const cpuLimit = quantityOf(limits, 'cpu');
  const cpuRequest = quantityOf(requests, 'cpu');
  const cpuLimitMillis = cpuLimit === undefined ? 0 : toSafeNumber(cpuLimit.milliValue());
  // The API server defaults requests to limits for new pods; the kubelet repeats it for old ones.
  const cpuRequestMillis = cpuRequest !== undefined && !cpuRequest.isZero() ? toSafeNumber(cpuRequest.milliValue()) : cpuLimitMillis;
  return {
    memoryLimitBytes: memoryLimit === undefined ? 0 : toSafeNumber(memoryLimit.value()),
    cpuLimitMillis,
    cpuRequestMillis,
  };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = a / b;
  return q * b === a || a < 0n !== b < 0n ? q : q + 1n;
}

function findContainer(pod: Pod, name: string): Container {
  const found = pod.spec?.containers.find((c) => c.name === name) ?? pod.spec?.initContainers?.find((c) => c.name === name);
  if (found === undefined) throw new ContainerConfigError(`container ${name} not found`);
  return found;
}

function limitOrAllocatable(container: Container, name: 'cpu' | 'memory' | 'ephemeral-storage', allocatable: NodeAllocatable | undefined): Quantity {
  return quantityOf(container.resources?.limits, name) ?? quantityOf(allocatable as ResourceList, name) ?? Quantity.fromValue(0);
}

/**
 * The value of one resourceFieldRef (limits.cpu, requests.memory, ...) in units of its divisor,
 * rounded up; a limit the container leaves unset reads as the node's allocatable.
 */
export function resourceFieldValue(selector: ResourceFieldSelector, pod: Pod, container: Container, allocatable?: NodeAllocatable): string {
  const target = selector.containerName ? findContainer(pod, selector.containerName) : container;
  const rawDivisor = selector.divisor === undefined ? undefined : String(selector.divisor);
  let divisor = rawDivisor === undefined ? Quantity.fromValue(1) : quantityOf({ divisor: rawDivisor }, 'divisor') ?? Quantity.fromValue(1);
  if (divisor.isZero()) divisor = Quantity.fromValue(1);

  const [kind, name] = splitResource(selector.resource);
  if (name !== undefined && (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage')) {
    const amount = kind === 'limits' ? limitOrAllocatable(target, name, allocatable) : quantityOf(target.resources?.requests, name) ?? Quantity.fromValue(0);
    if (name === 'cpu') return ceilDiv(amount.milliValue(), divisor.milliValue()).toString();
    return ceilDiv(amount.value(), divisor.value()).toString();
  }
  if (name !== undefined && name.startsWith('hugepages-')) {
    const list = kind === 'limits' ? target.resources?.limits : target.resources?.requests;
    const amount = quantityOf(list, name) ?? Quantity.fromValue(0);
    return ceilDiv(amount.value(), divisor.value()).toString();
  }
  throw new ContainerConfigError(`unsupported container resource : ${selector.resource}`);
}

function splitResource(resource: string): ['limits' | 'requests', string] | [undefined, undefined] {
  if (resource.startsWith('limits.')) return ['limits', resource.slice('limits.'.length)];
  if (resource.startsWith('requests.')) return ['requests', resource.slice('requests.'.length)];
  return [undefined, undefined];
}
