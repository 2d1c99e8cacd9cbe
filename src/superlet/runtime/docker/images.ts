// Image inspection and pulls. Nothing here reaches a registry except `pull`, and a pull is bounded
// by a timeout so an unreachable registry fails it instead of hanging the pod worker.
import type Dockerode from 'dockerode';
import { ImagePullError, type ImageInfo } from '../runtime.js';
import { errorMessage, isNotFound } from './errors.js';
import { drainProgress } from './json-lines.js';

export const DEFAULT_PULL_TIMEOUT_MS = 30_000;

/** `name` → `name:latest`, as Docker and the kubelet read an image without tag or digest. */
export function normalizeImage(image: string): string {
  if (image.includes('@')) return image;
  const slash = image.lastIndexOf('/');
  return image.lastIndexOf(':') > slash ? image : `${image}:latest`;
}

export async function imageStatus(docker: Dockerode, image: string): Promise<ImageInfo | undefined> {
  try {
    const info = await docker.getImage(normalizeImage(image)).inspect();
    return { id: info.Id, repoTags: info.RepoTags ?? [], sizeBytes: info.Size };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function pullImage(docker: Dockerode, image: string, timeoutMs: number): Promise<ImageInfo> {
  const ref = normalizeImage(image);
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`pull did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const pull = async (): Promise<void> => {
      await drainProgress(await docker.pull(ref, { abortSignal: abort.signal }));
    };
    await Promise.race([pull(), timeout]);
  } catch (error) {
    throw new ImagePullError(image, `failed to pull image ${JSON.stringify(image)}: ${errorMessage(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  const info = await imageStatus(docker, ref);
  if (info === undefined) throw new ImagePullError(image, `pulled image ${JSON.stringify(image)} but the runtime does not have it`);
  return info;
}
