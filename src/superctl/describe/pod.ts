// describe pod, as kubectl's PodDescriber.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { RestClient } from '../../client/rest-client.js';
import { describeContainers, describeVolumes } from './containers.js';
import { printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline, rfc1123z } from './describe-format.js';
import { describeEvents, eventsFor } from './events.js';
import { PrefixWriter } from './prefix-writer.js';

// The QoS class the pod would get when its status does not say (upstream's GetPodQOS).
export function qosClassOf(pod: Pod): string {
  if (pod.status?.qosClass !== undefined && pod.status.qosClass !== '') return pod.status.qosClass;
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      if (limits[r] === undefined || (requests[r] !== undefined && requests[r] !== limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export async function describePod(client: RestClient, pod: Pod): Promise<string> {
  const events = await eventsFor(client, { kind: 'Pod', ...(pod.metadata ? { metadata: pod.metadata } : {}) });
  const w = new PrefixWriter();
  const m = pod.metadata ?? {};
  const spec = pod.spec;
  const status = pod.status ?? {};
  w.write(0, `Name:\t${m.name ?? ''}\n`);
  w.write(0, `Namespace:\t${m.namespace ?? ''}\n`);
  if (spec?.priority !== undefined) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec?.priorityClassName !== undefined && spec.priorityClassName !== '') w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec?.runtimeClassName !== undefined && spec.runtimeClassName !== '') w.write(0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
  w.write(0, `Service Account:\t${spec?.serviceAccountName ?? ''}\n`);
  if (spec?.nodeName === undefined || spec.nodeName === '') w.write(0, 'Node:\t<none>\n');
  else w.write(0, `Node:\t${spec.nodeName}/${status.hostIP ?? ''}\n`);
  if (status.startTime !== undefined) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  if (m.deletionTimestamp !== undefined) {
    w.write(0, `Status:\tTerminating (lasts ${'<unknown>'})\n`);
    w.write(0, `Termination Grace Period:\t${m.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(0, `Status:\t${status.phase ?? ''}\n`);
  }
  if (status.reason !== undefined && status.reason !== '') w.write(0, `Reason:\t${status.reason}\n`);
  if (status.message !== undefined && status.message !== '') w.write(0, `Message:\t${status.message.trim()}\n`);
  w.write(0, `IP:\t${status.podIP ?? ''}\n`);
  const ips = status.podIPs ?? [];
  if (ips.length === 0) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const controller = (m.ownerReferences ?? []).find((o) => o.controller === true);
  if (controller !== undefined) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  if (status.nominatedNodeName !== undefined && status.nominatedNodeName !== '') w.write(0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  if ((spec?.initContainers ?? []).length > 0) describeContainers(w, 'Init Containers', spec?.initContainers ?? [], status.initContainerStatuses, '', pod);
  describeContainers(w, 'Containers', spec?.containers ?? [], status.containerStatuses, '', pod);
  if ((status.conditions ?? []).length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of status.conditions ?? []) w.write(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, spec?.volumes, '');
  w.write(0, `QoS Class:\t${qosClassOf(pod)}\n`);
  printLabelsMultiline(w, 'Node-Selectors', spec?.nodeSelector);
  printTolerationsMultiline(w, 'Tolerations', spec?.tolerations);
  describeEvents(w, events);
  return w.toString();
}
