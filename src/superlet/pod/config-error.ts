// Why a container's runtime configuration could not be made. The pod worker shows the message as
// the container's waiting message with reason CreateContainerConfigError, as the kubelet does.

export class ContainerConfigError extends Error {
  readonly code = 'CreateContainerConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContainerConfigError';
  }
}

/** A warning event the pod worker records while making the config (the container still starts). */
export interface ConfigEvent {
  reason: string;
  message: string;
}
