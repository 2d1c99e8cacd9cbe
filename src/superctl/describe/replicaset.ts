// describe replicaset, as kubectl's ReplicaSetDescriber: replicas, the phases of its pods, template, events.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/rest-client.js';
import { Pods } from '../../client/resource-types.js';
import { describePodTemplate } from './containers.js';
import { formatLabelSelector, printAnnotationsMultiline, printLabelsMultiline } from './describe-format.js';
import { describeEvents, eventsFor } from './events.js';
import { PrefixWriter } from './prefix-writer.js';

/** Running / Waiting / Succeeded / Failed counts of the pods a controller owns. */
export async function podPhases(client: RestClient, namespace: string | undefined, selector: string, ownerUid: string | undefined): Promise<Record<string, number>> {
  const pods = await client.list<Pod>(Pods, { ...(namespace !== undefined ? { namespace } : {}), ...(selector !== '' && selector !== '<none>' ? { labelSelector: selector } : {}) });
  const counts: Record<string, number> = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const pod of pods.items) {
    if (!(pod.metadata?.ownerReferences ?? []).some((o) => o.controller === true && o.uid === ownerUid)) continue;
    const phase = pod.status?.phase ?? 'Pending';
    counts[phase] = (counts[phase] ?? 0) + 1;
  }
  return counts;
}

export async function describeReplicaSet(client: RestClient, rs: ReplicaSet): Promise<string> {
  const m = rs.metadata ?? {};
  const events = await eventsFor(client, { kind: 'ReplicaSet', metadata: m });
  const selector = formatLabelSelector(rs.spec?.selector);
  const phases = await podPhases(client, m.namespace, selector, m.uid);
  const w = new PrefixWriter();
  w.write(0, `Name:\t${m.name ?? ''}\n`);
  w.write(0, `Namespace:\t${m.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${selector}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  const controller = (m.ownerReferences ?? []).find((o) => o.controller === true);
  if (controller !== undefined) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired\n`);
  w.write(0, `Pods Status:\t${phases.Running ?? 0} Running / ${phases.Pending ?? 0} Waiting / ${phases.Succeeded ?? 0} Succeeded / ${phases.Failed ?? 0} Failed\n`);
  describePodTemplate(w, rs.spec?.template);
  if ((rs.status?.conditions ?? []).length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of rs.status?.conditions ?? []) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  describeEvents(w, events);
  return w.toString();
}
