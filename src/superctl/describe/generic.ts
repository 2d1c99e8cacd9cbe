// describe for kinds without their own describer: kubectl's generic describer prints the name,
// namespace, labels, annotations, then every other field nested by indentation, then events.
import type { RestClient } from '../../client/rest-client.js';
import { printAnnotationsMultiline, printLabelsMultiline } from './describe-format.js';
import { describeEvents, eventsFor } from './events.js';
import { PrefixWriter } from './prefix-writer.js';

// "creationTimestamp" -> "Creation Timestamp", as kubectl's smartLabelFor does.
function labelFor(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((word) => (word === '' ? '' : word[0]?.toUpperCase() + word.slice(1)))
    .join(' ');
}

function printValue(w: PrefixWriter, level: number, key: string, value: unknown): void {
  if (Array.isArray(value)) {
    w.write(level, `${labelFor(key)}:\n`);
    for (const item of value) {
      if (item !== null && typeof item === 'object') {
        for (const [k, v] of Object.entries(item as Record<string, unknown>)) printValue(w, level + 1, k, v);
      } else {
        w.write(level + 1, `${typeof item === 'string' ? item : JSON.stringify(item)}\n`);
      }
    }
  } else if (value !== null && typeof value === 'object') {
    w.write(level, `${labelFor(key)}:\n`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) printValue(w, level + 1, k, v);
  } else {
    w.write(level, `${labelFor(key)}:\t${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  }
}

export async function describeGeneric(client: RestClient, object: Record<string, unknown>, kind: string): Promise<string> {
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const events = await eventsFor(client, { kind, metadata });
  const w = new PrefixWriter();
  w.write(0, `Name:\t${metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${metadata.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', metadata.annotations);
  for (const [key, value] of Object.entries(object)) {
    if (key === 'metadata') continue;
    printValue(w, 0, key, value);
  }
  describeEvents(w, events);
  return w.toString();
}
