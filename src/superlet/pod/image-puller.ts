// Makes a container's image present by its imagePullPolicy, with the kubelet's events and its
// ErrImagePull / ImagePullBackOff / ErrImageNeverPull reasons.
// Images under supernetes.local/ are built on the node (scripts/build-images.sh) and exist in no
// registry: they are never pulled, whatever the policy says, so `image: supernetes.local/busybox`
// works as written on a machine without a registry.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { ImagePullError, type Runtime } from '../runtime/runtime.js';
import type { Backoff } from './backoff.js';

export const LOCAL_IMAGE_PREFIX = 'supernetes.local/';

export type ImageResult =
  | { readonly ok: true; readonly imageRef: string }
  | { readonly ok: false; readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName'; readonly message: string; readonly retryAfterMs?: number };

export type PodEventSink = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ImagePullerOptions {
  readonly runtime: Runtime;
  readonly backoff: Backoff;
  readonly event: PodEventSink;
  readonly now?: () => number;
}

/** The policy Kubernetes defaults to: Always for :latest or no tag, IfNotPresent otherwise. */
export function effectivePullPolicy(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const policy = container.imagePullPolicy;
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  const image = container.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export class ImagePuller {
  private readonly now: () => number;

  constructor(private readonly options: ImagePullerOptions) {
    this.now = options.now ?? Date.now;
  }

  async ensure(pod: Pod, container: Container): Promise<ImageResult> {
    const image = container.image ?? '';
    if (image.trim() === '') return { ok: false, reason: 'InvalidImageName', message: 'Failed to apply default image tag "": couldn\'t parse image name "": invalid reference format' };
    const { runtime, event } = this.options;
    let policy = effectivePullPolicy(container);
    if (image.startsWith(LOCAL_IMAGE_PREFIX) && policy === 'Always') policy = 'IfNotPresent';
    const present = await runtime.imageStatus(image);

    if (present !== undefined && policy !== 'Always') {
      event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return { ok: true, imageRef: present.id };
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      event(pod, 'Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }

    const key = `${pod.metadata?.uid ?? ''}/${image}`;
    const now = this.now();
    const { backoff } = this.options;
    const lastFailedAt = this.lastFailure.get(key);
    if (lastFailedAt !== undefined && backoff.isInBackOffSince(key, lastFailedAt, now)) {
      const message = `Back-off pulling image "${image}"`;
      event(pod, 'Normal', 'BackOff', message);
      return { ok: false, reason: 'ImagePullBackOff', message, retryAfterMs: backoff.remainingSince(key, lastFailedAt, now) };
    }

    event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.now();
    try {
      const pulled = await runtime.pullImage(image);
      this.lastFailure.delete(key);
      backoff.reset(key);
      const seconds = ((this.now() - started) / 1000).toFixed(3);
      event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${seconds}s`);
      return { ok: true, imageRef: pulled.id };
    } catch (error) {
      const failedAt = this.now();
      backoff.next(key, failedAt);
      this.lastFailure.set(key, failedAt);
      const why = error instanceof ImagePullError || error instanceof Error ? error.message : String(error);
      const message = `Failed to pull image "${image}": ${why}`;
      event(pod, 'Warning', 'Failed', message);
      event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      return { ok: false, reason: 'ErrImagePull', message, retryAfterMs: backoff.delay(key) };
    }
  }

  /** Forgets a pod's pull failures (it went away). */
  forgetPod(podUid: string): void {
    this.options.backoff.resetPrefix(`${podUid}/`);
    for (const key of this.lastFailure.keys()) if (key.startsWith(`${podUid}/`)) this.lastFailure.delete(key);
  }

  /** When each image last failed to pull, per pod: the back-off counts from there. */
  private readonly lastFailure = new Map<string, number>();
}
