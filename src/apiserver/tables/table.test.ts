import { describe, expect, it } from 'vitest';
import { builtInResources } from '../registry/resources/index.js';
import type { KubeObject } from '../registry/resource.js';
import { tableRows, tableRowsJson, type IncludeObject } from './table.js';

const pods = builtInResources().find((resource) => resource.plural === 'pods');
const configmaps = builtInResources().find((resource) => resource.plural === 'configmaps');

const pod: KubeObject = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' }, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'kubectl' }] },
  spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName: 'n1' },
  status: { phase: 'Running', podIP: '10.0.0.5', containerStatuses: [{ name: 'c', ready: true, restartCount: 2 }] },
};

describe('tableRowsJson', () => {
  const encoder = { json: (object: KubeObject) => JSON.stringify(object), metadataJson: (object: KubeObject) => JSON.stringify(object.metadata) };

  for (const include of ['None', 'Metadata', 'Object'] as IncludeObject[]) {
    it(`gives the rows tableRows gives, as JSON (includeObject=${include})`, () => {
      for (const resource of [pods, configmaps]) {
        if (resource === undefined) throw new Error('resource missing');
        const objects = [pod, { ...pod, metadata: { ...pod.metadata, name: 'web-2' } }];
        const texts = tableRowsJson(resource, objects, include, encoder);
        expect(texts.map((text) => JSON.parse(text) as unknown)).toEqual(tableRows(resource, objects, include));
      }
    });
  }

  it('splices in the encoder’s text rather than stringifying the object again', () => {
    if (pods === undefined) throw new Error('pods missing');
    const [row] = tableRowsJson(pods, [pod], 'Metadata', { json: () => '{}', metadataJson: () => '{"name":"cached"}' });
    expect(JSON.parse(row ?? '')).toMatchObject({ object: { kind: 'PartialObjectMetadata', metadata: { name: 'cached' } } });
  });
});
