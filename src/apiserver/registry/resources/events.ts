// Events: kubectl's columns (LAST SEEN first, the name only with -o wide) and upstream's field selectors.
import type { KubeObject, ResourceStrategy, TableColumn } from '../resource.js';
import { age } from '../../tables/table.js';
import { column, field, nameOf, num, str } from './columns.js';

export const eventColumns: TableColumn[] = [
  column('Last Seen', 'Time when this Event was last seen'),
  column('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
  column('Reason', 'This should be a short, machine understandable string that gives the reason for this event being generated.'),
  column('Object', 'The object this Event is about.'),
  column('Subobject', 'The subobject this Event is about.', 'string', 1),
  column('Source', 'The component reporting this event. Should be a short machine understandable string.', 'string', 1),
  column('Message', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'The time at which the most recent occurrence of this event was recorded.', 'string', 1),
  column('Count', 'The number of times this event has occurred.', 'string', 1),
  column('Name', 'Name must be unique within a namespace.', 'string', 1),
];

function lastSeen(event: KubeObject): string | undefined {
  return str(event.lastTimestamp) || str(field(event, 'series', 'lastObservedTime')) || str(event.eventTime) || event.metadata?.creationTimestamp;
}

export const eventStrategy: ResourceStrategy = {
  cells: (event) => {
    const kind = str(field(event, 'involvedObject', 'kind')).toLowerCase();
    const name = str(field(event, 'involvedObject', 'name'));
    const source = [str(field(event, 'source', 'component')), str(field(event, 'source', 'host'))].filter((s) => s !== '').join(', ');
    return [
      age(lastSeen(event)),
      str(event.type),
      str(event.reason),
      `${kind}/${name}`,
      str(field(event, 'involvedObject', 'fieldPath')),
      source || str(event.reportingComponent),
      str(event.message),
      age(str(event.firstTimestamp) || event.metadata?.creationTimestamp),
      String(num(event.count, 1)),
      nameOf(event),
    ];
  },
  fields: (event) => ({
    'involvedObject.kind': str(field(event, 'involvedObject', 'kind')),
    'involvedObject.namespace': str(field(event, 'involvedObject', 'namespace')),
    'involvedObject.name': str(field(event, 'involvedObject', 'name')),
    'involvedObject.uid': str(field(event, 'involvedObject', 'uid')),
    'involvedObject.apiVersion': str(field(event, 'involvedObject', 'apiVersion')),
    'involvedObject.resourceVersion': str(field(event, 'involvedObject', 'resourceVersion')),
    'involvedObject.fieldPath': str(field(event, 'involvedObject', 'fieldPath')),
    reason: str(event.reason),
    reportingComponent: str(event.reportingComponent),
    source: str(field(event, 'source', 'component')),
    type: str(event.type),
  }),
};
