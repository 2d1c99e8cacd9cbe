// pods/binding (and the legacy POST /api/v1/namespaces/NS/bindings): the scheduler's way to put a
// pod on a node. As upstream's BindingREST: only a pod with no node yet may be bound; it gets
// spec.nodeName, the binding's annotations and the condition PodScheduled=True.
import { conflict, invalid, type FieldCause } from '../../api/api-errors.js';
import type { KubeObject } from '../registry/resource.js';
import { NoChange } from '../storage/resource-store.js';
import { writeJson } from '../http/responses.js';
import { isDryRun, type Handler } from './context.js';
import { updatePodCondition } from './pod-condition.js';
import { createdStatus, readSubresourceBody } from './subresource-body.js';

interface Binding {
  metadata?: { uid?: string; resourceVersion?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string };
}

function validateBinding(binding: Binding): FieldCause[] {
  const causes: FieldCause[] = [];
  const target = binding.target ?? {};
  const kind = typeof target.kind === 'string' ? target.kind : '';
  if (kind !== '' && kind !== 'Node') {
    causes.push({ reason: 'FieldValueNotSupported', field: 'target.kind', message: `target.kind: Unsupported value: "${kind}": supported values: "Node", "<empty>"` });
  }
  if (typeof target.name !== 'string' || target.name === '') {
    causes.push({ reason: 'FieldValueRequired', field: 'target.name', message: 'target.name: Required value' });
  }
  return causes;
}

export const bindingHandler: Handler = async (context) => {
  const { object, name } = await readSubresourceBody(context, 'Binding', ['v1']);
  const binding = object as Binding;
  const causes = validateBinding(binding);
  if (causes.length > 0) throw invalid('Binding', '', name, causes);
  const node = binding.target?.name ?? '';
  const annotations = binding.metadata?.annotations ?? {};
  const { store } = context.resource;
  // Upstream words every refusal of the bind itself as a conflict on pods/binding.
  const refuse = (why: string): Error => conflict({ group: '', resource: 'pods/binding', name }, why);
  const dryRun = isDryRun(context.query);
  await store.update(context.info.namespace, name, (pod: KubeObject) => {
    const meta = pod.metadata ?? {};
    const pre = binding.metadata ?? {};
    if (pre.uid !== undefined && pre.uid !== '' && pre.uid !== meta.uid) {
      throw conflict(store.subject(name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== '' && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        store.subject(name),
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
      );
    }
    if (meta.deletionTimestamp !== undefined) throw refuse(`pod ${name} is being deleted, cannot be assigned to a host`);
    const spec = (pod.spec ?? {}) as { nodeName?: string; schedulingGates?: unknown[] };
    if (spec.nodeName !== undefined && spec.nodeName !== '') throw refuse(`pod ${name} is already assigned to node "${spec.nodeName}"`);
    if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) throw refuse(`pod ${name} has non-empty .spec.schedulingGates`);
    pod.spec = { ...spec, nodeName: node };
    if (Object.keys(annotations).length > 0) pod.metadata = { ...meta, annotations: { ...meta.annotations, ...annotations } };
    updatePodCondition(pod, { type: 'PodScheduled', status: 'True' });
    if (dryRun) throw new NoChange();
    return pod;
  });
  writeJson(context.response, 201, createdStatus());
};
