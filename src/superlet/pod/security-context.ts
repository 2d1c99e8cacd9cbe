// The security settings a container runs with: the pod's securityContext (runAsUser, runAsGroup,
// runAsNonRoot) overridden field by field by the container's, as DetermineEffectiveSecurityContext.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerSecurity } from '../runtime/runtime.js';
import { ContainerConfigError } from './config-error.js';

export interface EffectiveSecurity extends ContainerSecurity {
  runAsNonRoot?: boolean;
}

/** The merged settings; fields neither level sets stay absent. */
export function effectiveSecurity(pod: Pod, container: Container): EffectiveSecurity {
  const podSc = pod.spec?.securityContext;
  const sc = container.securityContext;
  const out: EffectiveSecurity = {};
  const runAsUser = sc?.runAsUser ?? podSc?.runAsUser;
  const runAsGroup = sc?.runAsGroup ?? podSc?.runAsGroup;
  const runAsNonRoot = sc?.runAsNonRoot ?? podSc?.runAsNonRoot;
  if (runAsUser !== undefined) out.runAsUser = runAsUser;
  if (runAsGroup !== undefined) out.runAsGroup = runAsGroup;
  if (runAsNonRoot !== undefined) out.runAsNonRoot = runAsNonRoot;
  if (sc?.readOnlyRootFilesystem !== undefined) out.readOnlyRootFilesystem = sc.readOnlyRootFilesystem;
  if (sc?.privileged !== undefined) out.privileged = sc.privileged;
  return out;
}

/** What the runtime needs (runAsNonRoot is the kubelet's check, not the runtime's). */
export function containerSecurity(pod: Pod, container: Container): ContainerSecurity {
  const { runAsNonRoot: _, ...security } = effectiveSecurity(pod, container);
  return security;
}

/** The user an image runs as (its config's User: "uid", "uid:gid", "name" or "name:group"). */
export function parseImageUser(user: string | undefined): { uid?: number; username?: string } {
  if (user === undefined || user === '') return {};
  const first = user.split(':')[0] ?? '';
  if (/^[+-]?\d+$/.test(first)) return { uid: Number(first) };
  return { username: first };
}

function podDesc(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/**
 * runAsNonRoot: throws ContainerConfigError with the kubelet's message when the container would run
 * as root. `imageUser` is the image's configured User; an image that names none runs as root.
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, imageUser: string | undefined): void {
  const sc = effectiveSecurity(pod, container);
  if (sc.runAsNonRoot !== true) return;
  const desc = JSON.stringify(podDesc(pod));
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: ${desc}, container: ${container.name})`);
    return;
  }
  const { uid, username } = parseImageUser(imageUser);
  if (username !== undefined) {
    throw new ContainerConfigError(
      `container has runAsNonRoot and image has non-numeric user (${username}), cannot verify user is non-root (pod: ${desc}, container: ${container.name})`,
    );
  }
  if ((uid ?? 0) === 0) throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: ${desc}, container: ${container.name})`);
}
