export { DockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export { DEFAULT_SANDBOX_IMAGE } from './sandbox-image.js';
export { LABEL, ANNOTATION_PREFIX } from './labels.js';
