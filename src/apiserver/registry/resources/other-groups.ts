// coordination.k8s.io/v1 leases and discovery.k8s.io/v1 endpointslices.
import type { ResourceDescriptor } from '../resource.js';
import { AGE_COLUMN, ageOf, column, field, list, NAME_COLUMN, nameOf, num, str } from './columns.js';
import { defineResource } from './define.js';

export const leases: ResourceDescriptor = defineResource({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
  columns: [NAME_COLUMN, column('Holder', 'The holder of the lease'), AGE_COLUMN],
  strategy: { cells: (lease) => [nameOf(lease), str(field(lease, 'spec', 'holderIdentity')), ageOf(lease)] },
});

export const endpointslices: ResourceDescriptor = defineResource({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  columns: [
    NAME_COLUMN,
    column('AddressType', 'The IP protocol for this slice'),
    column('Ports', 'The ports for this slice'),
    column('Endpoints', 'The endpoints for this slice'),
    AGE_COLUMN,
  ],
  strategy: {
    cells: (slice) => {
      const ports = list(slice.ports).map((p) => String(num(field(p, 'port'))));
      const addresses = list(slice.endpoints).flatMap((e) => list(field(e, 'addresses')).map(String));
      const shown = addresses.slice(0, 3).join(',');
      return [
        nameOf(slice),
        str(slice.addressType),
        ports.length === 0 ? '<unset>' : ports.join(','),
        addresses.length === 0 ? '<unset>' : addresses.length > 3 ? `${shown} + ${addresses.length - 3} more...` : shown,
        ageOf(slice),
      ];
    },
  },
});
