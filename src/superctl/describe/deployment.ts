// describe deployment, as kubectl's DeploymentDescriber: replicas, strategy, template, conditions,
// the old and new ReplicaSets it owns, events.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { RestClient } from '../../client/rest-client.js';
import { ReplicaSets } from '../../client/resource-types.js';
import { describePodTemplate } from './containers.js';
import { formatLabelSelector, printAnnotationsMultiline, printLabelsMultiline, rfc1123z } from './describe-format.js';
import { describeEvents, eventsFor } from './events.js';
import { PrefixWriter } from './prefix-writer.js';

function replicaSetsText(sets: ReplicaSet[]): string {
  if (sets.length === 0) return '<none>';
  return sets.map((rs) => `${rs.metadata?.name ?? ''} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ');
}

function withoutHash(labels: Record<string, string> | undefined): Record<string, string> {
  const copy = { ...(labels ?? {}) };
  delete copy['pod-template-hash'];
  return copy;
}

function sameTemplate(rs: ReplicaSet, d: Deployment): boolean {
  const a = { ...rs.spec?.template, metadata: { ...rs.spec?.template?.metadata, labels: withoutHash(rs.spec?.template?.metadata?.labels) } };
  const b = { ...d.spec?.template, metadata: { ...d.spec?.template.metadata, labels: withoutHash(d.spec?.template.metadata?.labels) } };
  return JSON.stringify(a.spec) === JSON.stringify(b.spec) && JSON.stringify(a.metadata.labels) === JSON.stringify(b.metadata.labels);
}

export async function describeDeployment(client: RestClient, d: Deployment): Promise<string> {
  const m = d.metadata ?? {};
  const events = await eventsFor(client, { kind: 'Deployment', metadata: m });
  const owned = (await client.list<ReplicaSet>(ReplicaSets, { ...(m.namespace !== undefined ? { namespace: m.namespace } : {}) })).items.filter((rs) =>
    (rs.metadata?.ownerReferences ?? []).some((o) => o.controller === true && o.uid === m.uid),
  );
  const w = new PrefixWriter();
  const spec = d.spec;
  const status = d.status ?? {};
  w.write(0, `Name:\t${m.name ?? ''}\n`);
  w.write(0, `Namespace:\t${m.namespace ?? ''}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(m.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  w.write(0, `Selector:\t${formatLabelSelector(spec?.selector)}\n`);
  const unavailable = status.unavailableReplicas ?? 0;
  w.write(0, `Replicas:\t${spec?.replicas ?? 1} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${unavailable} unavailable\n`);
  w.write(0, `StrategyType:\t${spec?.strategy?.type ?? ''}\n`);
  w.write(0, `MinReadySeconds:\t${spec?.minReadySeconds ?? 0}\n`);
  const rolling = spec?.strategy?.rollingUpdate;
  if (spec?.strategy?.type === 'RollingUpdate' && rolling !== undefined) {
    w.write(0, `RollingUpdateStrategy:\t${String(rolling.maxUnavailable ?? '')} max unavailable, ${String(rolling.maxSurge ?? '')} max surge\n`);
  }
  describePodTemplate(w, spec?.template);
  if ((status.conditions ?? []).length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of status.conditions ?? []) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  if (owned.length > 0) {
    const newest = owned.filter((rs) => sameTemplate(rs, d)).sort((a, b) => Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? ''))[0];
    const old = owned.filter((rs) => rs !== newest && (rs.spec?.replicas ?? 0) + (rs.status?.replicas ?? 0) > 0);
    w.write(0, `OldReplicaSets:\t${replicaSetsText(old)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetsText(newest === undefined ? [] : [newest])}\n`);
  }
  describeEvents(w, events);
  return w.toString();
}
