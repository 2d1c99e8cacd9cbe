// Container statuses for the API from the runtime's attempts: the twin of the kubelet's
// convertToAPIContainerStatuses plus the probe manager's UpdatePodStatus (ready, started).
// Pure: the old statuses come in, new ones go out, nothing given is modified.
import type { Container, ContainerState, ContainerStatus as ApiContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus as RuntimeContainerStatus } from '../runtime/runtime.js';

/** Waiting reasons the kubelet uses when nothing more specific is known. */
export const CONTAINER_CREATING = 'ContainerCreating';
export const POD_INITIALIZING = 'PodInitializing';

/** Upstream's MaxPodTerminationMessageLogLength, shared between all containers of the pod. */
const MAX_TERMINATION_MESSAGE_BYTES = 1024 * 12;

export interface ContainerStatusInput {
  readonly pod: Pod;
  /** The spec containers these statuses are for (regular or init). */
  readonly containers: readonly Container[];
  /** Every attempt the runtime knows of, for every container of the pod. */
  readonly runtime: readonly RuntimeContainerStatus[];
  /** The statuses last reported for these containers. */
  readonly previous: readonly ApiContainerStatus[] | undefined;
  readonly hasInitContainers: boolean;
  readonly isInit: boolean;
  readonly waiting: ReadonlyMap<string, { reason: string; message?: string }>;
  /** Restart counts known beyond what the runtime still holds (attempts garbage-collected). */
  readonly restartCounts?: ReadonlyMap<string, number>;
  /** The scheme of container ids: `docker://<id>`. */
  readonly runtimeName: string;
}

export interface ProbeInput {
  readonly ready: ReadonlyMap<string, boolean>;
  readonly started: ReadonlyMap<string, boolean>;
}

/** A sidecar: an init container that keeps running beside the regular ones. */
export function isRestartableInit(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

/** metav1.Time as the API serializes it: RFC 3339 at second precision; undefined for Go's zero time. */
export function apiTime(date: Date | undefined): string | undefined {
  if (date === undefined) return undefined;
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The attempts of one container name, newest first (attempt, then creation time). */
function newestFirst(runtime: readonly RuntimeContainerStatus[]): RuntimeContainerStatus[] {
  return [...runtime].sort((a, b) => b.attempt - a.attempt || b.createdAt.getTime() - a.createdAt.getTime());
}

function imageId(imageRef: string): string {
  if (imageRef === '' || imageRef.includes('://')) return imageRef;
  // dockershim's convention: a digest reference is pullable again, a bare content id is local.
  return imageRef.includes('@') ? `docker-pullable://${imageRef}` : `docker://${imageRef}`;
}

function terminatedReason(cs: RuntimeContainerStatus): string {
  if (cs.reason !== undefined && cs.reason !== '') return cs.reason;
  return (cs.exitCode ?? 0) === 0 ? 'Completed' : 'Error';
}

function convertOne(cs: RuntimeContainerStatus, old: ApiContainerStatus | undefined, runtimeName: string): ApiContainerStatus {
  const containerID = `${runtimeName}://${cs.id}`;
  const status: ApiContainerStatus = {
    name: cs.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: cs.attempt,
    image: cs.image,
    imageID: imageId(cs.imageRef),
    containerID,
  };
  switch (cs.state) {
    case 'running':
      status.state = { running: { startedAt: apiTime(cs.startedAt ?? cs.createdAt) } };
      break;
    case 'created':
      // Created but not running: waiting to be running.
      status.state = { waiting: {} };
      break;
    case 'exited':
      status.state = {
        terminated: {
          exitCode: cs.exitCode ?? 0,
          reason: terminatedReason(cs),
          ...(cs.message === undefined || cs.message === '' ? {} : { message: cs.message }),
          startedAt: apiTime(cs.startedAt),
          finishedAt: apiTime(cs.finishedAt),
          containerID,
        },
      };
      break;
    default:
      if (old?.state?.running !== undefined) {
        // It ran and is gone: report a termination rather than "never ran", so a run-once pod
        // is not started twice.
        status.state = {
          terminated: {
            reason: 'ContainerStatusUnknown',
            message: 'The container could not be located when the pod was terminated',
            exitCode: 137,
          },
        };
        status.restartCount = (old.restartCount ?? 0) + 1;
      } else {
        status.state = { waiting: {} };
      }
  }
  return status;
}

/** Upstream ShouldContainerBeRestarted, on the newest attempt of the container. */
export function shouldRestart(container: Container, pod: Pod, latest: RuntimeContainerStatus | undefined): boolean {
  if (pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) return false;
  if (latest === undefined) return true;
  if (latest.state === 'running') return false;
  if (latest.state === 'unknown' || latest.state === 'created') return true;
  if (isRestartableInit(container)) return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return (latest.exitCode ?? 0) !== 0;
  return true;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

export function convertContainerStatuses(input: ContainerStatusInput): ApiContainerStatus[] {
  const { pod, containers } = input;
  const names = new Set(containers.map((c) => c.name));
  const oldStatuses = new Map<string, ApiContainerStatus>();
  for (const status of input.previous ?? []) oldStatuses.set(status.name, clone(status));

  const defaultWaiting: ContainerState = { waiting: { reason: input.hasInitContainers ? POD_INITIALIZING : CONTAINER_CREATING } };
  const statuses = new Map<string, ApiContainerStatus>();
  for (const container of containers) {
    const old = oldStatuses.get(container.name);
    if (old?.state?.terminated !== undefined) {
      statuses.set(container.name, clone(old));
      continue;
    }
    statuses.set(container.name, {
      name: container.name,
      state: clone(defaultWaiting),
      lastState: clone(old?.lastState ?? {}),
      ready: false,
      restartCount: old?.restartCount ?? 0,
      image: container.image ?? '',
      imageID: '',
    });
  }

  const attempts = new Map<string, RuntimeContainerStatus[]>();
  for (const cs of newestFirst(input.runtime)) {
    if (!names.has(cs.name)) continue;
    const list = attempts.get(cs.name) ?? [];
    list.push(cs);
    attempts.set(cs.name, list);
  }

  // Containers the runtime no longer has, which were running when last seen: they terminated
  // somehow, and a waiting state alone would push the pod back to Pending.
  for (const container of containers) {
    if (attempts.has(container.name)) continue;
    const old = oldStatuses.get(container.name);
    if (old === undefined || old.state?.terminated !== undefined || old.state?.running === undefined) continue;
    const status = statuses.get(container.name);
    if (status === undefined) continue;
    const defaultReason = input.hasInitContainers ? POD_INITIALIZING : CONTAINER_CREATING;
    if (status.state?.waiting?.reason !== defaultReason || status.lastState?.terminated !== undefined) continue;
    status.lastState = {
      terminated: {
        reason: 'ContainerStatusUnknown',
        message: 'The container could not be located when the pod was deleted.  The container used to be Running',
        exitCode: 137,
      },
    };
    if (pod.metadata?.deletionTimestamp === undefined || pod.metadata.deletionTimestamp === null) {
      status.restartCount = (status.restartCount ?? 0) + 1;
    }
  }

  // The newest attempt is the state, the one before it the last state.
  for (const [name, list] of attempts) {
    const [latest, previous] = list;
    if (latest === undefined) continue;
    const current = convertOne(latest, oldStatuses.get(name), input.runtimeName);
    if (previous !== undefined) current.lastState = convertOne(previous, oldStatuses.get(name), input.runtimeName).state ?? {};
    statuses.set(name, current);
  }

  // Containers that failed to start, or wait for their back-off: waiting, with the reason why.
  for (const container of containers) {
    const latest = attempts.get(container.name)?.[0];
    if (input.isInit && latest?.state === 'exited' && (latest.exitCode ?? 0) === 0) continue;
    if (!shouldRestart(container, pod, latest)) continue;
    const reason = input.waiting.get(container.name);
    const status = statuses.get(container.name);
    if (reason === undefined || status === undefined) continue;
    if (status.state?.terminated !== undefined) status.lastState = status.state;
    status.state = { waiting: { reason: reason.reason, ...(reason.message === undefined ? {} : { message: reason.message }) } };
  }

  for (const [name, count] of input.restartCounts ?? []) {
    const status = statuses.get(name);
    if (status !== undefined && count > (status.restartCount ?? 0)) status.restartCount = count;
  }

  const byName = (a: ApiContainerStatus, b: ApiContainerStatus): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const ordered = input.isInit
    ? containers.map((c) => statuses.get(c.name)).filter((s): s is ApiContainerStatus => s !== undefined)
    : [...statuses.values()].sort(byName);
  return ordered;
}

function isStarted(container: Container | undefined, status: ApiContainerStatus, probes: ProbeInput): boolean {
  if (status.state?.running === undefined) return false;
  const result = probes.started.get(status.name);
  if (result !== undefined) return result;
  // A startup probe that has not run yet: not started.
  return container?.startupProbe === undefined;
}

function isReady(container: Container | undefined, status: ApiContainerStatus, probes: ProbeInput): boolean {
  if (status.state?.running === undefined) return false;
  const result = probes.ready.get(status.name);
  if (result !== undefined) return result;
  // No readiness probe: ready once started. A probe that has not answered yet: not ready.
  return container?.readinessProbe === undefined;
}

/** Sets `started` and `ready` from the probe results, as the kubelet's probe manager does. */
export function applyProbes(
  containers: readonly Container[],
  initContainers: readonly Container[],
  statuses: ApiContainerStatus[],
  initStatuses: ApiContainerStatus[],
  probes: ProbeInput,
): void {
  const specs = new Map(containers.map((c) => [c.name, c]));
  for (const status of statuses) {
    const spec = specs.get(status.name);
    status.started = isStarted(spec, status, probes);
    status.ready = status.started ? isReady(spec, status, probes) : false;
  }
  const initSpecs = new Map(initContainers.map((c) => [c.name, c]));
  for (const status of initStatuses) {
    const spec = initSpecs.get(status.name);
    status.started = isStarted(spec, status, probes);
    if (spec === undefined || !isRestartableInit(spec)) {
      // A regular init container is ready once it completed.
      status.ready = status.state?.terminated !== undefined && status.state.terminated.exitCode === 0;
      continue;
    }
    status.ready = status.started ? isReady(spec, status, probes) : false;
  }
}

/** Caps termination messages so that all of them together fit upstream's budget. */
export function capTerminationMessages(pod: Pod, ...lists: ApiContainerStatus[][]): void {
  const count = (pod.spec?.containers.length ?? 0) + (pod.spec?.initContainers?.length ?? 0) + (pod.spec?.ephemeralContainers?.length ?? 0);
  const budget = count > 0 ? Math.floor(MAX_TERMINATION_MESSAGE_BYTES / count) : MAX_TERMINATION_MESSAGE_BYTES;
  const cap = (state: ContainerState | undefined): void => {
    const message = state?.terminated?.message;
    if (state?.terminated === undefined || message === undefined) return;
    const bytes = Buffer.from(message, 'utf8');
    // Cut on a character boundary: decoding a cut multi-byte sequence would add U+FFFD.
    if (bytes.length > budget) state.terminated.message = bytes.subarray(0, budget).toString('utf8').replace(/\uFFFD$/u, '');
  };
  for (const list of lists) {
    for (const status of list) {
      cap(status.state);
      cap(status.lastState);
    }
  }
}
