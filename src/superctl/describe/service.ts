// describe service, as kubectl's ServiceDescriber (endpoints from the service's EndpointSlices).
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { RestClient } from '../../client/rest-client.js';
import { EndpointSlices } from '../../client/resource-types.js';
import { formatLabelMap, printAnnotationsMultiline, printLabelsMultiline } from './describe-format.js';
import { describeEvents, eventsFor } from './events.js';
import { PrefixWriter } from './prefix-writer.js';

const MAX_ENDPOINTS = 3;

// kubectl's formatEndpointSlices: address:port of every endpoint for the named port, three at most.
function endpointsText(slices: EndpointSlice[], portName: string): string {
  const list: string[] = [];
  let count = 0;
  for (const slice of slices) {
    const ports = slice.ports ?? [];
    if (ports.length === 0) {
      for (const ep of slice.endpoints) {
        if (list.length < MAX_ENDPOINTS) list.push(ep.addresses[0] ?? '');
        count++;
      }
      continue;
    }
    for (const port of ports) {
      if ((port.name ?? '') !== portName) continue;
      for (const ep of slice.endpoints) {
        const address = ep.addresses[0] ?? '';
        if (list.length < MAX_ENDPOINTS) list.push(`${address.includes(':') ? `[${address}]` : address}:${port.port ?? 0}`);
        count++;
      }
    }
  }
  if (list.length === 0) return '<none>';
  return count > MAX_ENDPOINTS ? `${list.join(',')} + ${count - MAX_ENDPOINTS} more...` : list.join(',');
}

export async function describeService(client: RestClient, svc: Service): Promise<string> {
  const m = svc.metadata ?? {};
  const events = await eventsFor(client, { kind: 'Service', metadata: m });
  const slices = (await client.list<EndpointSlice>(EndpointSlices, { labelSelector: `kubernetes.io/service-name=${m.name ?? ''}`, ...(m.namespace !== undefined ? { namespace: m.namespace } : {}) })).items;
  const spec = svc.spec ?? {};
  const w = new PrefixWriter();
  w.write(0, `Name:\t${m.name ?? ''}\n`);
  w.write(0, `Namespace:\t${m.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  w.write(0, `Selector:\t${formatLabelMap(spec.selector) || '<none>'}\n`);
  w.write(0, `Type:\t${spec.type ?? ''}\n`);
  if (spec.ipFamilyPolicy !== undefined) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  if ((spec.ipFamilies ?? []).length > 0) w.write(0, `IP Families:\t${(spec.ipFamilies ?? []).join(',')}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  if ((spec.clusterIPs ?? []).length > 0) w.write(0, `IPs:\t${(spec.clusterIPs ?? []).join(',')}\n`);
  if ((spec.externalIPs ?? []).length > 0) w.write(0, `External IPs:\t${(spec.externalIPs ?? []).join(',')}\n`);
  if (spec.loadBalancerIP !== undefined && spec.loadBalancerIP !== '') w.write(0, `IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName !== undefined && spec.externalName !== '') w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter((s) => s !== '');
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${ingress.join(', ')}\n`);
  for (const port of spec.ports ?? []) {
    const name = port.name === undefined || port.name === '' ? '<unset>' : port.name;
    const protocol = port.protocol ?? 'TCP';
    w.write(0, `Port:\t${name}\t${port.port}/${protocol}\n`);
    w.write(0, `TargetPort:\t${String(port.targetPort ?? port.port)}/${protocol}\n`);
    if (port.nodePort !== undefined && port.nodePort !== 0) w.write(0, `NodePort:\t${name}\t${port.nodePort}/${protocol}\n`);
    w.write(0, `Endpoints:\t${endpointsText(slices, port.name ?? '')}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ''}\n`);
  if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== '') w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy !== undefined && spec.internalTrafficPolicy !== '') w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort !== undefined && spec.healthCheckNodePort !== 0) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  describeEvents(w, events);
  return w.toString();
}
