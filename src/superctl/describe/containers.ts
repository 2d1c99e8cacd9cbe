// Containers, volumes and pod templates as kubectl describe prints them (describeContainers,
// describeVolumes, DescribePodTemplate), shared by the pod, deployment, replica set and job describers.
import type { Container, ContainerState, ContainerStatus, Pod, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1.js';
import { printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline, rfc1123z } from './describe-format.js';
import type { PrefixWriter } from './prefix-writer.js';

function portsText(container: Container): { ports: string; hostPorts: string; count: number } {
  const ports = container.ports ?? [];
  return {
    ports: ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', '),
    hostPorts: ports.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', '),
    count: ports.length,
  };
}

function describeState(w: PrefixWriter, state: ContainerState | undefined, title: string, space: string): void {
  if (state?.running !== undefined) {
    w.write(2, `${space}${title}:\tRunning\n`);
    w.write(3, `${space}Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.waiting !== undefined) {
    w.write(2, `${space}${title}:\tWaiting\n`);
    if (state.waiting.reason !== undefined && state.waiting.reason !== '') w.write(3, `${space}Reason:\t${state.waiting.reason}\n`);
  } else if (state?.terminated !== undefined) {
    const t = state.terminated;
    w.write(2, `${space}${title}:\tTerminated\n`);
    if (t.reason !== undefined && t.reason !== '') w.write(3, `${space}Reason:\t${t.reason}\n`);
    if (t.message !== undefined && t.message !== '') w.write(3, `${space}Message:\t${t.message}\n`);
    w.write(3, `${space}Exit Code:\t${t.exitCode}\n`);
    if (t.signal !== undefined && t.signal > 0) w.write(3, `${space}Signal:\t${t.signal}\n`);
    w.write(3, `${space}Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `${space}Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${space}${title}:\tWaiting\n`);
  }
}

function resourceLines(w: PrefixWriter, title: string, list: Record<string, string> | undefined, space: string): void {
  const keys = Object.keys(list ?? {}).sort();
  if (keys.length === 0) return;
  w.write(2, `${space}${title}:\n`);
  for (const k of keys) w.write(3, `${space}${k}:\t${list?.[k] ?? ''}\n`);
}

// The value a downward-API field path has in the pod (kubectl shows it beside the path).
function fieldValue(pod: Pod | undefined, path: string): string {
  if (pod === undefined) return '';
  const m = pod.metadata ?? {};
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed !== null) return (keyed[1] === 'labels' ? m.labels : m.annotations)?.[keyed[2] ?? ''] ?? '';
  const simple: Record<string, string | undefined> = {
    'metadata.name': m.name,
    'metadata.namespace': m.namespace,
    'metadata.uid': m.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
  };
  return simple[path] ?? '';
}

function envValue(env: NonNullable<Container['env']>[number], pod: Pod | undefined): string {
  if (env.valueFrom === undefined) return env.value ?? '';
  const from = env.valueFrom;
  if (from.fieldRef !== undefined) return `${fieldValue(pod, from.fieldRef.fieldPath)} (${pod === undefined ? (from.fieldRef.apiVersion ?? 'v1') : (from.fieldRef.apiVersion ?? '')}:${from.fieldRef.fieldPath})`;
  if (from.resourceFieldRef !== undefined) return ` (${from.resourceFieldRef.resource})`;
  if (from.secretKeyRef !== undefined) return `<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name ?? ''}'>\tOptional: ${String(from.secretKeyRef.optional ?? false)}`;
  if (from.configMapKeyRef !== undefined) return `<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name ?? ''}'>\tOptional: ${String(from.configMapKeyRef.optional ?? false)}`;
  return '';
}

export function describeContainers(w: PrefixWriter, label: string, containers: Container[], statuses: ContainerStatus[] | undefined, space: string, pod?: Pod): void {
  w.write(0, `${space}${label}:\n`);
  for (const container of containers) {
    const status = statuses?.find((s) => s.name === container.name);
    // A template's container names sit one space deeper than a pod's, as kubectl prints them.
    w.write(1, `${space === '' ? '' : ' '}${container.name}:\n`);
    if (status !== undefined) w.write(2, `Container ID:\t${status.containerID ?? ''}\n`);
    w.write(2, `Image:\t${container.image ?? ''}\n`);
    if (status !== undefined) w.write(2, `Image ID:\t${status.imageID}\n`);
    const ports = portsText(container);
    if (ports.count === 0) {
      w.write(2, 'Port:\t<none>\n');
      w.write(2, 'Host Port:\t<none>\n');
    } else {
      w.write(2, `${ports.count > 1 ? 'Ports' : 'Port'}:\t${ports.ports}\n`);
      w.write(2, `${ports.count > 1 ? 'Host Ports' : 'Host Port'}:\t${ports.hostPorts}\n`);
    }
    if ((container.command ?? []).length > 0) {
      w.write(2, 'Command:\n');
      for (const c of container.command ?? []) for (const part of c.split('\n')) w.write(3, `${part}\n`);
    }
    if ((container.args ?? []).length > 0) {
      w.write(2, 'Args:\n');
      for (const a of container.args ?? []) for (const part of a.split('\n')) w.write(3, `${part}\n`);
    }
    if (status !== undefined) {
      describeState(w, status.state, 'State', '');
      if (status.lastState?.terminated !== undefined) describeState(w, status.lastState, 'Last State', '');
      w.write(2, `Ready:\t${status.ready ? 'True' : 'False'}\n`);
      w.write(2, `Restart Count:\t${status.restartCount}\n`);
    }
    resourceLines(w, 'Limits', container.resources?.limits, '');
    resourceLines(w, 'Requests', container.resources?.requests, '');
    const env = container.env ?? [];
    if (env.length === 0) {
      w.write(2, 'Environment:\t<none>\n');
    } else {
      w.write(2, 'Environment:\n');
      for (const e of env) w.write(3, `${e.name}:\t${envValue(e, pod)}\n`);
    }
    const mounts = [...(container.volumeMounts ?? [])].sort((a, b) => (a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0));
    if (mounts.length === 0) {
      w.write(2, 'Mounts:\t<none>\n');
    } else {
      w.write(2, 'Mounts:\n');
      for (const m of mounts) w.write(3, `${m.mountPath} from ${m.name} (${m.readOnly === true ? 'ro' : 'rw'}${m.subPath !== undefined && m.subPath !== '' ? `,path="${m.subPath}"` : ''})\n`);
    }
  }
}

export function describeVolumes(w: PrefixWriter, volumes: Volume[] | undefined, space: string): void {
  const list = volumes ?? [];
  if (list.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of list) {
    w.write(1, `${space}${v.name}:\n`);
    if (v.emptyDir !== undefined) {
      w.write(2, 'Type:\tEmptyDir (a temporary directory that shares a pod\'s lifetime)\n');
      w.write(2, `Medium:\t${v.emptyDir.medium ?? ''}\n`);
      w.write(2, `SizeLimit:\t${v.emptyDir.sizeLimit ?? '<unset>'}\n`);
    } else if (v.hostPath !== undefined) {
      w.write(2, 'Type:\tHostPath (bare host directory volume)\n');
      w.write(2, `Path:\t${v.hostPath.path}\n`);
      w.write(2, `HostPathType:\t${v.hostPath.type ?? ''}\n`);
    } else if (v.configMap !== undefined) {
      w.write(2, 'Type:\tConfigMap (a volume populated by a ConfigMap)\n');
      w.write(2, `Name:\t${v.configMap.name ?? ''}\n`);
      w.write(2, `Optional:\t${String(v.configMap.optional ?? false)}\n`);
    } else if (v.secret !== undefined) {
      w.write(2, 'Type:\tSecret (a volume populated by a Secret)\n');
      w.write(2, `SecretName:\t${v.secret.secretName ?? ''}\n`);
      w.write(2, `Optional:\t${String(v.secret.optional ?? false)}\n`);
    } else if (v.persistentVolumeClaim !== undefined) {
      w.write(2, 'Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n');
      w.write(2, `ClaimName:\t${v.persistentVolumeClaim.claimName}\n`);
      w.write(2, `ReadOnly:\t${String(v.persistentVolumeClaim.readOnly ?? false)}\n`);
    } else if (v.projected !== undefined) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const source of v.projected.sources ?? []) {
        if (source.serviceAccountToken !== undefined) w.write(2, `TokenExpirationSeconds:\t${source.serviceAccountToken.expirationSeconds ?? 3607}\n`);
        if (source.configMap !== undefined) {
          w.write(2, `ConfigMapName:\t${source.configMap.name ?? ''}\n`);
          w.write(2, `Optional:\t${String(source.configMap.optional ?? false)}\n`);
        }
        if (source.downwardAPI !== undefined) w.write(2, 'DownwardAPI:\ttrue\n');
      }
    } else {
      w.write(2, 'Type:\t<unknown>\n');
    }
  }
}

export function describePodTemplate(w: PrefixWriter, template: PodTemplateSpec | undefined): void {
  w.write(0, 'Pod Template:\n');
  if (template === undefined) {
    w.write(1, '<unset>');
    return;
  }
  printLabelsMultiline(w, 'Labels', template.metadata?.labels, '  ');
  if (Object.keys(template.metadata?.annotations ?? {}).length > 0) printAnnotationsMultiline(w, 'Annotations', template.metadata?.annotations, '  ');
  const spec = template.spec;
  if (spec?.serviceAccountName !== undefined && spec.serviceAccountName !== '') w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if ((spec?.initContainers ?? []).length > 0) describeContainers(w, 'Init Containers', spec?.initContainers ?? [], undefined, '  ');
  describeContainers(w, 'Containers', spec?.containers ?? [], undefined, '  ');
  describeVolumes(w, spec?.volumes, '  ');
  if (spec?.priorityClassName !== undefined && spec.priorityClassName !== '') w.write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  printLabelsMultiline(w, 'Node-Selectors', spec?.nodeSelector, '  ');
  printTolerationsMultiline(w, 'Tolerations', spec?.tolerations, '  ');
}
