// A volume that could not be set up. The message is the kubelet's FailedMount event text,
// `MountVolume.SetUp failed for volume "x" : <cause>`, so the pod worker records it as it is.

export class VolumeSetupError extends Error {
  readonly code = 'FailedMount';
  constructor(
    readonly volumeName: string,
    /** The cause alone, e.g. `configmap "y" not found`. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`MountVolume.SetUp failed for volume ${JSON.stringify(volumeName)} : ${detail}`, options);
    this.name = 'VolumeSetupError';
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
