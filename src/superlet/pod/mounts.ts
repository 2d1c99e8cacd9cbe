// volumeMounts → bind mounts (the kubelet's makeMounts): each names a volume the VolumeManager
// prepared; subPath and subPathExpr select a path inside it, created when missing and never
// allowed to lead outside it; configMap, secret, downwardAPI and projected volumes are read-only.
import { mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Container, Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { Mount } from '../runtime/runtime.js';
import { ContainerConfigError } from './config-error.js';
import { expand } from './expansion.js';

/** Volumes whose plugin marks them read-only whatever the mount says. */
export function isReadOnlyVolume(volume: Volume | undefined): boolean {
  return volume?.configMap !== undefined || volume?.secret !== undefined || volume?.downwardAPI !== undefined || volume?.projected !== undefined;
}

/** subPathExpr expanded with the container's env; a reference to an unset or empty variable is an error. */
export function expandSubPathExpr(expr: string, env: readonly { name: string; value: string }[]): string {
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const value = vars.get(name);
    if (value === undefined || value === '') missing.add(name);
    return value ?? '';
  });
  if (missing.size > 0) throw new ContainerConfigError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

/** Checks a subPath's shape: relative and without `..` elements. */
export function validateSubPath(subPath: string): void {
  if (path.isAbsolute(subPath)) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
}

function isWithin(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

// The host path for a subPath: created like the volume's root when missing, and resolved so a
// symlink inside the volume cannot point the mount anywhere else on the host.
async function resolveSubPath(volumePath: string, subPath: string, mountName: string, containerName: string): Promise<string> {
  validateSubPath(subPath);
  const joined = path.join(volumePath, subPath);
  if (!(await exists(joined))) {
    try {
      const { mode } = await stat(volumePath);
      await mkdir(joined, { recursive: true, mode: mode & 0o7777 });
    } catch (err) {
      throw new ContainerConfigError(`failed to create subPath directory for volumeMount ${JSON.stringify(mountName)} of container ${JSON.stringify(containerName)}`, {
        cause: err,
      });
    }
  }
  const [realVolume, realSub] = await Promise.all([realpath(volumePath), realpath(joined)]);
  if (!isWithin(realVolume, realSub)) throw new ContainerConfigError(`subpath ${JSON.stringify(realSub)} not within volume path ${JSON.stringify(realVolume)}`);
  return realSub;
}

/**
 * The container's mounts. `volumes` maps each volume name to its host path (VolumeManager.prepare);
 * `env` is the container's final environment, for subPathExpr.
 */
export async function makeMounts(
  pod: Pod,
  container: Container,
  volumes: ReadonlyMap<string, string>,
  env: readonly { name: string; value: string }[],
): Promise<Mount[]> {
  const specs = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  const mounts: Mount[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const volumePath = volumes.get(vm.name);
    if (volumePath === undefined) {
      throw new ContainerConfigError(`cannot find volume ${JSON.stringify(vm.name)} to mount into container ${JSON.stringify(container.name)}`);
    }
    const subPath = vm.subPathExpr ? expandSubPathExpr(vm.subPathExpr, env) : vm.subPath ?? '';
    const hostPath = subPath === '' ? volumePath : await resolveSubPath(volumePath, subPath, vm.name, container.name);
    mounts.push({
      hostPath,
      containerPath: vm.mountPath,
      readOnly: vm.readOnly === true || isReadOnlyVolume(specs.get(vm.name)),
    });
  }
  return mounts;
}
