// A PodSpec's defaults and checks, shared by pods and every pod template (deployments,
// replicasets, jobs, cronjobs), as upstream's SetDefaults_PodSpec / ValidatePodSpec in short.
import type { FieldCause } from '../../../api/api-errors.js';
import { field, list, str } from './columns.js';

type Spec = Record<string, unknown>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Always for :latest or no tag, IfNotPresent otherwise (digests included), as upstream. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.indexOf(':', lastSlash + 1);
  const tag = tagAt === -1 ? '' : image.slice(tagAt + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** ObjectFieldSelector.apiVersion defaults to "v1" (kubectl describe prints it: "(v1:metadata.name)"). */
function defaultFieldRef(ref: unknown): void {
  if (ref !== null && typeof ref === 'object') (ref as Record<string, unknown>).apiVersion ??= 'v1';
}

function defaultContainer(container: unknown): unknown {
  if (container === null || typeof container !== 'object') return container;
  const c = container as Record<string, unknown>;
  c.imagePullPolicy ??= defaultPullPolicy(str(c.image));
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const port of list(c.ports)) {
    if (port !== null && typeof port === 'object') (port as Record<string, unknown>).protocol ??= 'TCP';
  }
  for (const env of list(c.env)) defaultFieldRef(field(env, 'valueFrom', 'fieldRef'));
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[probe] as Record<string, unknown> | undefined;
    if (p === undefined || p === null) continue;
    p.timeoutSeconds ??= 1;
    p.periodSeconds ??= 10;
    p.successThreshold ??= 1;
    p.failureThreshold ??= 3;
    const http = p.httpGet as Record<string, unknown> | undefined;
    if (http !== undefined) {
      http.path ??= '/';
      http.scheme ??= 'HTTP';
    }
  }
  return c;
}

export function defaultPodSpec(input: unknown): Spec {
  const spec = (input !== null && typeof input === 'object' ? input : {}) as Spec;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  if (spec.serviceAccountName === undefined && spec.serviceAccount === undefined) spec.serviceAccountName = 'default';
  spec.serviceAccountName ??= spec.serviceAccount;
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.containers = list(spec.containers).map(defaultContainer);
  if (spec.initContainers !== undefined) spec.initContainers = list(spec.initContainers).map(defaultContainer);
  for (const volume of list(spec.volumes)) {
    const v = volume as Record<string, unknown>;
    for (const source of ['configMap', 'secret']) {
      const s = v[source] as Record<string, unknown> | undefined;
      if (s !== undefined && s !== null) s.defaultMode ??= 420;
    }
    const downward = v.downwardAPI as Record<string, unknown> | undefined;
    if (downward !== undefined && downward !== null) {
      downward.defaultMode ??= 420;
      for (const item of list(downward.items)) defaultFieldRef(field(item, 'fieldRef'));
    }
  }
  return spec;
}

const cause = (reason: string, path: string, message: string): FieldCause => ({ reason, field: path, message: `${path}: ${message}` });

function validateContainers(spec: Spec, key: 'containers' | 'initContainers', path: string, names: Set<string>): FieldCause[] {
  const causes: FieldCause[] = [];
  list(spec[key]).forEach((container, i) => {
    const at = `${path}.${key}[${i}]`;
    const name = str(field(container, 'name'));
    if (name === '') causes.push(cause('FieldValueRequired', `${at}.name`, 'Required value'));
    else if (!DNS_LABEL.test(name) || name.length > 63) causes.push(cause('FieldValueInvalid', `${at}.name`, `Invalid value: "${name}": ${DNS_LABEL_MESSAGE}`));
    else if (names.has(name)) causes.push(cause('FieldValueDuplicate', `${at}.name`, `Duplicate value: "${name}"`));
    names.add(name);
    if (str(field(container, 'image')).trim() === '') causes.push(cause('FieldValueRequired', `${at}.image`, 'Required value'));
    const policy = field(container, 'imagePullPolicy');
    if (policy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(str(policy))) {
      causes.push(cause('FieldValueNotSupported', `${at}.imagePullPolicy`, `Unsupported value: "${str(policy)}": supported values: "Always", "IfNotPresent", "Never"`));
    }
    list(field(container, 'ports')).forEach((port, p) => {
      const number = field(port, 'containerPort');
      if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
        causes.push(cause('FieldValueInvalid', `${at}.ports[${p}].containerPort`, `Invalid value: ${JSON.stringify(number ?? 0)}: must be between 1 and 65535, inclusive`));
      }
    });
  });
  return causes;
}

export function validatePodSpec(input: unknown, path: string): FieldCause[] {
  const spec = (input ?? {}) as Spec;
  const causes: FieldCause[] = [];
  if (list(spec.containers).length === 0) causes.push(cause('FieldValueRequired', `${path}.containers`, 'Required value'));
  const names = new Set<string>();
  causes.push(...validateContainers(spec, 'containers', path, names));
  causes.push(...validateContainers(spec, 'initContainers', path, names));
  const restart = spec.restartPolicy;
  if (restart !== undefined && !['Always', 'OnFailure', 'Never'].includes(str(restart))) {
    causes.push(cause('FieldValueNotSupported', `${path}.restartPolicy`, `Unsupported value: "${str(restart)}": supported values: "Always", "OnFailure", "Never"`));
  }
  const dns = spec.dnsPolicy;
  if (dns !== undefined && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(str(dns))) {
    causes.push(cause('FieldValueNotSupported', `${path}.dnsPolicy`, `Unsupported value: "${str(dns)}": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`));
  }
  const volumes = new Set<string>();
  list(spec.volumes).forEach((volume, i) => {
    const name = str(field(volume, 'name'));
    if (name === '') causes.push(cause('FieldValueRequired', `${path}.volumes[${i}].name`, 'Required value'));
    else if (volumes.has(name)) causes.push(cause('FieldValueDuplicate', `${path}.volumes[${i}].name`, `Duplicate value: "${name}"`));
    volumes.add(name);
  });
  return causes;
}
