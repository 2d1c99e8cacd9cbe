import { describe, expect, it } from 'vitest';
import type { Container } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError } from './config-error.js';
import { containerResources, resourceFieldValue } from './resources.js';
import { mainContainer, podWith } from './container-config-fixtures.js';

describe('containerResources', () => {
  it('translates limits and requests', () => {
    const c: Container = { name: 'c', resources: { limits: { cpu: '1500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } } };
    expect(containerResources(c)).toEqual({ memoryLimitBytes: 128 * 1024 * 1024, cpuLimitMillis: 1500, cpuRequestMillis: 250 });
  });

  it('nothing set is all zero', () => {
    expect(containerResources({ name: 'c' })).toEqual({ memoryLimitBytes: 0, cpuLimitMillis: 0, cpuRequestMillis: 0 });
  });

  it('a CPU request left unset takes the limit; fractions round up', () => {
    expect(containerResources({ name: 'c', resources: { limits: { cpu: '0.5', memory: '1G' } } })).toEqual({
      memoryLimitBytes: 1_000_000_000,
      cpuLimitMillis: 500,
      cpuRequestMillis: 500,
    });
    expect(containerResources({ name: 'c', resources: { requests: { cpu: '0.0001' } } }).cpuRequestMillis).toBe(1);
  });

  it('a quantity that does not parse is a config error', () => {
    expect(() => containerResources({ name: 'c', resources: { limits: { memory: 'lots' } } })).toThrow(ContainerConfigError);
  });
});

describe('resourceFieldValue', () => {
  const pod = podWith(
    { resources: { limits: { cpu: '1250m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } } },
    { containers: [], initContainers: [{ name: 'init', resources: { limits: { memory: '1Gi' } } }] },
  );
  pod.spec?.containers.push({ name: 'main', resources: { limits: { cpu: '1250m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } } });
  pod.spec?.containers.push({ name: 'bare' });
  const main = mainContainer(pod);
  const allocatable = { cpu: '4', memory: '8Gi' };

  it.each([
    ['limits.cpu', undefined, '2'],
    ['limits.cpu', '1m', '1250'],
    ['limits.cpu', '100m', '13'],
    ['requests.cpu', undefined, '1'],
    ['requests.cpu', '1m', '250'],
    ['limits.memory', undefined, String(64 * 1024 * 1024)],
    ['limits.memory', '1Mi', '64'],
    ['limits.memory', '1M', '68'],
    ['requests.memory', '1Mi', '32'],
    ['limits.memory', '0', String(64 * 1024 * 1024)],
    ['requests.ephemeral-storage', undefined, '0'],
  ])('%s with divisor %s', (resource, divisor, want) => {
    expect(resourceFieldValue({ resource, ...(divisor === undefined ? {} : { divisor }) }, pod, main, allocatable)).toBe(want);
  });

  it('unset limits read as the node allocatable; unset requests as zero', () => {
    const bare = pod.spec?.containers[1] ?? main;
    expect(resourceFieldValue({ resource: 'limits.cpu', divisor: '1m' }, pod, bare, allocatable)).toBe('4000');
    expect(resourceFieldValue({ resource: 'limits.memory', divisor: '1Gi' }, pod, bare, allocatable)).toBe('8');
    expect(resourceFieldValue({ resource: 'requests.memory' }, pod, bare, allocatable)).toBe('0');
    expect(resourceFieldValue({ resource: 'limits.memory' }, pod, bare)).toBe('0');
  });

  it('containerName picks another container, init containers included', () => {
    expect(resourceFieldValue({ resource: 'limits.memory', divisor: '1Mi', containerName: 'init' }, pod, main)).toBe('1024');
    expect(() => resourceFieldValue({ resource: 'limits.memory', containerName: 'nope' }, pod, main)).toThrow('container nope not found');
  });

  it('an unknown resource is the kubelet error', () => {
    expect(() => resourceFieldValue({ resource: 'limits.gpu' }, pod, main)).toThrow('unsupported container resource : limits.gpu');
    expect(() => resourceFieldValue({ resource: 'cpu' }, pod, main)).toThrow('unsupported container resource : cpu');
  });
});
