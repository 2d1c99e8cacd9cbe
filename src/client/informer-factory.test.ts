import { describe, expect, it } from 'vitest';
import { InformerFactory } from './informer-factory.js';
import { RestClient } from './rest-client.js';
import { Pods } from './resource-types.js';

describe('InformerFactory', () => {
  const client = new RestClient({ config: { server: 'https://127.0.0.1:1' } });

  it('shares one informer per type and gathers every caller\'s indexers', () => {
    const factory = new InformerFactory({ client });
    const first = factory.for(Pods, { byNode: () => [] });
    const second = factory.for(Pods, { byOwner: () => [] });
    expect(second).toBe(first);
    expect(first.byIndex('byNode', 'x')).toEqual([]);
    expect(first.byIndex('byOwner', 'x')).toEqual([]);
    expect(() => first.byIndex('missing', 'x')).toThrow(/no index named "missing"/);
  });

  it('refuses a new informer after start', () => {
    const factory = new InformerFactory({ client });
    const stop = new AbortController();
    factory.start(stop.signal);
    stop.abort();
    expect(() => factory.for(Pods)).toThrow(/after start/);
  });
});
