// Makes a pod's volumes exist on this machine before its containers start (the kubelet's volume
// manager, reduced to the node-local plugins): emptyDir, hostPath, configMap, secret, downwardAPI
// and projected. prepare() runs on every sync, so configMap and secret contents follow their
// objects, swapped in atomically; cleanup() removes what the pod left once it is gone.
//
// Layout: <rootDir>/pods/<uid>/volumes/<plugin>/<name>. emptyDir with medium Memory and secret
// volumes are plain directories here, not tmpfs: mounting tmpfs needs privileges the superlet
// does not assume; sizeLimit is not enforced.
import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import { notFoundMessage, type PodObjectSource } from '../pod/object-source.js';
import type { NodeAllocatable } from '../pod/resources.js';
import { writeAtomically } from './atomic-writer.js';
import { setUpHostPath } from './host-path.js';
import { configMapPayload, DEFAULT_MODE, downwardAPIPayload, secretPayload, type Payload } from './payload.js';
import { messageOf, VolumeSetupError } from './volume-errors.js';

export { VolumeSetupError } from './volume-errors.js';

export interface VolumeManagerOptions {
  /** The superlet's state directory; pod volumes live under <rootDir>/pods. */
  rootDir: string;
  source: PodObjectSource;
  /** For downwardAPI resourceFieldRef limits a container leaves unset. */
  nodeAllocatable?: NodeAllocatable;
}

// Names that become one path element under rootDir: never a separator or a dot-dot.
const SAFE_ELEMENT = /^(?!\.\.?$)[^/\0]+$/;

export class VolumeManager {
  // One prepare or cleanup at a time per pod, so two syncs never interleave their writes.
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: VolumeManagerOptions) {}

  /** Where the pod's own volumes live. */
  podDir(podUid: string): string {
    if (!SAFE_ELEMENT.test(podUid)) throw new Error(`invalid pod uid ${JSON.stringify(podUid)}`);
    return path.join(this.options.rootDir, 'pods', podUid);
  }

  /**
   * Sets up every volume of the pod and returns each one's host path by name. Throws a
   * VolumeSetupError for the first volume (in spec order) that fails; the others are still set up.
   */
  prepare(pod: Pod): Promise<Map<string, string>> {
    const uid = pod.metadata?.uid ?? '';
    return this.serialized(uid, () => this.prepareNow(pod, uid));
  }

  /** Removes the pod's volume directories (never a hostPath's contents). */
  cleanup(podUid: string): Promise<void> {
    return this.serialized(podUid, () => rm(this.podDir(podUid), { recursive: true, force: true }));
  }

  private async prepareNow(pod: Pod, uid: string): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const failures: VolumeSetupError[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
      try {
        result.set(volume.name, await this.setUp(pod, uid, volume));
      } catch (err) {
        failures.push(err instanceof VolumeSetupError ? err : new VolumeSetupError(volume.name, messageOf(err), { cause: err }));
      }
    }
    const first = failures[0];
    if (first !== undefined) throw first;
    return result;
  }

  private async setUp(pod: Pod, uid: string, volume: Volume): Promise<string> {
    const dir = (plugin: string): string => {
      if (!SAFE_ELEMENT.test(volume.name)) throw new Error(`invalid volume name ${JSON.stringify(volume.name)}`);
      return path.join(this.podDir(uid), 'volumes', plugin, volume.name);
    };
    if (volume.emptyDir) {
      const target = dir('empty-dir');
      await mkdir(target, { recursive: true });
      // Containers may run as any user: the kubelet opens emptyDirs to all.
      await chmod(target, 0o777);
      return target;
    }
    if (volume.hostPath) {
      await setUpHostPath(volume.hostPath.path, volume.hostPath.type);
      return volume.hostPath.path;
    }
    if (volume.configMap) {
      const target = dir('configmap');
      await writeAtomically(target, await this.configMapFiles(pod, volume.configMap.name ?? '', volume.configMap.items, volume.configMap.defaultMode, volume.configMap.optional));
      return target;
    }
    if (volume.secret) {
      const target = dir('secret');
      await writeAtomically(target, await this.secretFiles(pod, volume.secret.secretName ?? '', volume.secret.items, volume.secret.defaultMode, volume.secret.optional));
      return target;
    }
    if (volume.downwardAPI) {
      const target = dir('downward-api');
      await writeAtomically(target, downwardAPIPayload(volume.downwardAPI.items, pod, volume.downwardAPI.defaultMode ?? DEFAULT_MODE, this.options.nodeAllocatable));
      return target;
    }
    if (volume.projected) {
      const target = dir('projected');
      await writeAtomically(target, await this.projectedFiles(pod, volume));
      return target;
    }
    const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
    throw new Error(`volume type ${kind} is not supported by this superlet`);
  }

  private async configMapFiles(pod: Pod, name: string, items: Parameters<typeof configMapPayload>[0], defaultMode: number | undefined, optional: boolean | undefined): Promise<Payload> {
    const ns = pod.metadata?.namespace ?? '';
    const cm = await this.options.source.getConfigMap(ns, name);
    if (cm === undefined) {
      if (optional !== true) throw new Error(notFoundMessage('configmap', name));
      return new Map();
    }
    return configMapPayload(items, cm, defaultMode ?? DEFAULT_MODE, optional === true);
  }

  private async secretFiles(pod: Pod, name: string, items: Parameters<typeof secretPayload>[0], defaultMode: number | undefined, optional: boolean | undefined): Promise<Payload> {
    const ns = pod.metadata?.namespace ?? '';
    const secret = await this.options.source.getSecret(ns, name);
    if (secret === undefined) {
      if (optional !== true) throw new Error(notFoundMessage('secret', name));
      return new Map();
    }
    return secretPayload(items, secret, defaultMode ?? DEFAULT_MODE, optional === true);
  }

  // Every source's files in one directory; errors from several sources are reported together.
  private async projectedFiles(pod: Pod, volume: Volume): Promise<Payload> {
    const projected = volume.projected ?? {};
    const defaultMode = projected.defaultMode ?? DEFAULT_MODE;
    const payload: Payload = new Map();
    const errors: string[] = [];
    for (const source of projected.sources ?? []) {
      try {
        let files: Payload;
        if (source.configMap) files = await this.configMapFiles(pod, source.configMap.name ?? '', source.configMap.items, defaultMode, source.configMap.optional);
        else if (source.secret) files = await this.secretFiles(pod, source.secret.name ?? '', source.secret.items, defaultMode, source.secret.optional);
        else if (source.downwardAPI) files = downwardAPIPayload(source.downwardAPI.items, pod, defaultMode, this.options.nodeAllocatable);
        else throw new Error(`projected source ${Object.keys(source).join(', ')} is not supported by this superlet`);
        for (const [p, f] of files) payload.set(p, f);
      } catch (err) {
        errors.push(messageOf(err));
      }
    }
    if (errors.length === 1) throw new Error(errors[0]);
    if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
    return payload;
  }

  private serialized<T>(uid: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(uid) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(uid, settled);
    void settled.then(() => {
      if (this.locks.get(uid) === settled) this.locks.delete(uid);
    });
    return next;
  }
}
