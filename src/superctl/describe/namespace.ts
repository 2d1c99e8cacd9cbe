// describe namespace, as kubectl's NamespaceDescriber (quotas and limit ranges are not served here).
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { printAnnotationsMultiline, printLabelsMultiline } from './describe-format.js';
import { PrefixWriter } from './prefix-writer.js';

export function describeNamespace(ns: Namespace): Promise<string> {
  const m = ns.metadata ?? {};
  const w = new PrefixWriter();
  w.write(0, `Name:\t${m.name ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? ''}\n`);
  return Promise.resolve(w.toString());
}
